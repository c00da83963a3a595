package org.boltzmann4j.bg.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bg <command> [options]}: each command is a thin layer over a library call. Exit codes:
 * 0 success, 2 bad usage, 1 failure, with one line on stderr saying what was wrong.
 */
@Command(name = "bg", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "boltzmann4j: Boltzmann generators with OpenMM physics.",
        subcommands = {DemoCommand.class, PlatformsCommand.class, InspectCommand.class, EnergyCommand.class, MdCommand.class, TrainCommand.class, SampleCommand.class, EvaluateCommand.class, HybridCommand.class, AnalyzeCommand.class, BuildCommand.class, DatasetCommand.class, TbgCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The same with the command line's own messages (errors, help) sent to err. */
    public static int execute(PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setErr(err);
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            // picocli checks required options before unknown ones; a misspelt option is the real cause.
            String message = !(ex instanceof CommandLine.UnmatchedArgumentException) && !cmd.getUnmatchedArguments().isEmpty()
                    ? "Unknown option: '" + cmd.getUnmatchedArguments().getFirst() + "'"
                    : ex.getMessage();
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + message + " (see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UsageException || ex instanceof org.boltzmann4j.bg.systems.SystemCheck.UnsupportedSystemException) {
                err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                err.flush();
                return 2;
            }
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + describe(ex));
            err.flush();
            if (System.getenv("BG_DEBUG") != null) ex.printStackTrace(err);
            return 1;
        });
        return cli;
    }

    /** One line: the message of the most informative cause. */
    static String describe(Throwable ex) {
        Throwable t = ex;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) t = t.getCause();
        String message = t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException nsf) {
            message = nsf.getFile() + ": " + (nsf.getReason() != null ? nsf.getReason() : "no such file");
        } else if (message == null || message.isBlank()) {
            message = t.getClass().getSimpleName();
        }
        return message.replace('\n', ' ');
    }

    /** Bad usage found after parsing (an option value that makes no sense): exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"boltzmann4j 0.1.0-SNAPSHOT"};
        }
    }
}
