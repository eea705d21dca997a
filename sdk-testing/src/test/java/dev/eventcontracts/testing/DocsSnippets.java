package dev.eventcontracts.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a {@code --8<-- [start:name]} snippet of a test source, as the docs show it. */
public final class DocsSnippets {
  private DocsSnippets() {}

  /** The lines between the markers, with the indentation of the start marker removed. */
  public static String snippet(Path source, String name) throws IOException {
    String text = Files.readString(source);
    String start = "// --8<-- [start:" + name + "]";
    String end = "// --8<-- [end:" + name + "]";
    int at = text.indexOf(start);
    int lineStart = text.lastIndexOf('\n', at) + 1;
    String indent = text.substring(lineStart, at);
    String body =
        text.substring(text.indexOf('\n', at) + 1, text.lastIndexOf('\n', text.indexOf(end)) + 1);
    return body.replaceAll("(?m)^" + indent, "");
  }
}
