package dev.keymint.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One run of the jar's command line in this JVM, as {@code main} runs it, with the environment
 * and terminal a test chooses, and what it printed on stdout and stderr.
 */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Map<String, String> environment, Terminal terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Commands.commandLine(new CliContext(environment, terminal));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    JsonNode json() {
        return JsonMapper.builder().build().readTree(out);
    }

    List<String> lines() {
        return List.of(out.split("\\R"));
    }

    /** The value after {@code label} on the line that starts with it. */
    String value(String label) {
        return lines().stream().filter(line -> line.startsWith(label)).findFirst()
                .map(line -> line.substring(label.length()).strip())
                .orElseThrow(() -> new AssertionError("no line starting with '" + label + "' in:\n" + out));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }

    /** A terminal where a person types {@code answers} in turn, recording the questions. */
    static final class ScriptedTerminal implements Terminal {

        final List<String> questions = new ArrayList<>();
        private final List<String> answers;

        ScriptedTerminal(String... answers) {
            this.answers = new ArrayList<>(List.of(answers));
        }

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public String ask(String question) {
            questions.add(question);
            return answers.remove(0);
        }
    }
}
