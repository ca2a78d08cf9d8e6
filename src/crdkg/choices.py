"""The values that options take, declared once: the command line offers them, and the modules
that take them check against them. It imports nothing (the cold path reads it)."""

#: embedded query engines (``--engine`` of query and info)
QUERY_ENGINES = ("oxigraph", "rdflib")
#: output languages of labels (``--lang``)
LANGUAGES = ("en", "zh")
#: result formats of SELECT and ASK, and of CONSTRUCT and DESCRIBE
TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml", "markdown")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
#: formats of ``crdkg info`` and ``crdkg queries``
LISTING_FORMATS = ("table", "json", "markdown")
#: inference before validation, validation engines, report formats, severities
INFERENCE = ("none", "rdfs", "owlrl")
VALIDATION_ENGINES = ("sparql", "pyshacl")
REPORT_FORMATS = ("text", "json", "turtle", "junit", "github")
SEVERITIES = ("violation", "warning", "info")
#: files that ``crdkg export`` writes
EXPORT_FORMATS = ("nt", "nq", "trig", "ttl", "jsonld")
#: when ``crdkg load`` shows a progress bar
PROGRESS = ("auto", "always", "never")
DIFF_FORMATS = ("markdown", "json")
