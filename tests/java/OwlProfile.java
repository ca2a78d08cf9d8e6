// Checks an ontology file against the OWL 2 DL profile with the OWL API (Debian package
// libowlapi-java). Prints one violation per line; exit code 0 when there are none, 1 when
// there are, 2 when the file does not load.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlProfile {
    public static void main(String[] args) {
        try {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            for (OWLProfileViolation v : report.getViolations()) {
                System.out.println(v.toString().replace('\n', ' '));
            }
            System.out.println("axioms " + ontology.getAxiomCount());
            System.exit(report.isInProfile() ? 0 : 1);
        } catch (Exception e) {
            System.err.println("cannot load " + args[0] + ": " + e);
            System.exit(2);
        }
    }
}
