package org.boltzmann4j.bg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help renders cleanly: picocli formats descriptions, so a bare % in one breaks it. */
class HelpTextTest {
    private static void collect(CommandLine cli, List<CommandLine> into) {
        into.add(cli);
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (!into.contains(sub)) collect(sub, into);
        }
    }

    @Test
    void everyCommandsHelpFormatsWithoutWarningsAndOpensWithAWholeSentence() {
        List<CommandLine> commands = new ArrayList<>();
        collect(Main.commandLine(), commands);
        assertTrue(commands.size() > 20, "commands found: " + commands.size());
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> fragments = new ArrayList<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (CommandLine cli : commands) {
                String usage = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
                assertTrue(usage.contains("Usage: "), cli.getCommandName());
                String[] description = cli.getCommandSpec().usageMessage().description();
                if (description.length > 0 && !description[0].strip().endsWith(".")) fragments.add(cli.getCommandName() + ": " + description[0]);
            }
        } finally {
            System.setErr(stderr);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertEquals("", warnings.lines().filter(l -> l.contains("picocli WARN")).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(List.of(), fragments, "summaries that stop mid-sentence");
    }
}
