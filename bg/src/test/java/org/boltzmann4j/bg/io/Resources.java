package org.boltzmann4j.bg.io;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test files on the class path. */
final class Resources {

    private Resources() {}

    /** The file of a class-path resource such as "/io/numpy-f8-2x3.npy", or null if absent. */
    static Path find(String name) {
        URL url = Resources.class.getResource(name);
        if (url == null) {
            return null;
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path get(String name) {
        Path p = find(name);
        if (p == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return p;
    }
}
