package org.boltzmann4j.bg.cli;

import java.util.concurrent.Callable;
import org.boltzmann4j.openmm.OpenMM;
import picocli.CommandLine.Command;

@Command(name = "platforms", mixinStandardHelpOptions = true,
        description = "List OpenMM's platforms (name, speed estimate, properties) and plugin load failures.")
final class PlatformsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("OpenMM " + OpenMM.version() + ", " + OpenMM.pluginsLoaded() + " plugins loaded");
        for (OpenMM.Platform p : OpenMM.platforms()) {
            System.out.printf("%-10s speed %-6.1f properties: %s%n", p.name(), p.speed(), String.join(", ", p.propertyNames()));
        }
        for (String failure : OpenMM.pluginLoadFailures()) System.out.println("plugin not loaded: " + failure);
        return 0;
    }
}
