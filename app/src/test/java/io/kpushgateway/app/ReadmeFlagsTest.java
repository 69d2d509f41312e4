package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README's flag table says what {@code --help} says: the same flags, in order, same defaults.
 */
class ReadmeFlagsTest {

  /** Tests run in the module directory; the README is the project's. */
  private static final Path README = Path.of("..", "README.md");

  @Test
  void theFlagTableListsEveryFlagInHelpOrderWithItsDefault() throws IOException {
    Map<String, String> documented = flagTable();
    List<OptionSpec> options = new ArrayList<>();
    for (OptionSpec option : new CommandLine(new Flags()).getCommandSpec().options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        options.add(option);
      }
    }
    assertThat(documented.keySet())
        .as("flags in README.md's table, in --help's order")
        .containsExactlyElementsOf(options.stream().map(OptionSpec::longestName).toList());
    for (OptionSpec option : options) {
      String cell = documented.get(option.longestName());
      String want =
          option.type() == boolean.class
              ? "off"
              : option.defaultValue() == null || option.defaultValue().isEmpty()
                  ? null
                  : "`" + option.defaultValue() + "`";
      if (want != null) {
        assertThat(cell).as("README default of " + option.longestName()).startsWith(want);
      }
    }
  }

  /** Flag → default cell of the table under "## Flags". */
  private static Map<String, String> flagTable() throws IOException {
    List<String> lines = Files.readAllLines(README);
    Map<String, String> flags = new LinkedHashMap<>();
    int at = lines.indexOf("## Flags");
    assertThat(at).as("README.md has a ## Flags section").isPositive();
    for (String line : lines.subList(at + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      if (line.startsWith("| `--")) {
        String[] cells = line.split("\\|");
        flags.put(cells[1].strip().replace("`", ""), cells[2].strip());
      }
    }
    return flags;
  }
}
