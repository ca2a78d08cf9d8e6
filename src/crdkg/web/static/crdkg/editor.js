// The /editor page: YASGUI on a SPARQL endpoint, with the stored queries to start from.
// Its data is the page's <script type="application/json" id="editor-data"> block: the stored
// queries' texts, and the endpoint (null: this server's /sparql).
(function () {
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  const endpoint = data.endpoint || new URL("/sparql", location.href).href;
  const Y = window.Yasgui.default || window.Yasgui;
  Y.Yasqe.defaults.autocompleters = ["prefixes", "variables"];  // the others ask a service on the internet
  const yasgui = new Y(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false, endpointCatalogueOptions: { getData: () => [] }, persistenceId: null
  });
  document.getElementById("examples").addEventListener("change", (e) => {
    if (data.examples[e.target.value]) yasgui.getTab().setQuery(data.examples[e.target.value]);
  });
  window.crdkgEditor = yasgui;
})();
