// Counts the lines of stdin that are JSON objects (scripts/smoke-benches: a bench's smoke run must
// print at least one), run by the java source launcher with bg's jars (Jackson) on the class path.
// Other lines are ignored; prints the count.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

void main() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int objects = 0;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
        String s = line.strip();
        if (!s.startsWith("{")) continue;
        try {
            JsonNode node = json.readTree(s);
            if (node.isObject()) objects++;
        } catch (Exception e) {
            System.err.println("not JSON: " + (s.length() > 120 ? s.substring(0, 120) + "..." : s) + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }
    System.out.println(objects);
}
