package org.cytolabel.core.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.cytolabel.core.error.CytoLabelException;

/** Writes images as PNG files; shared by the plots. No display is needed (everything draws on a BufferedImage). */
final class Png {
    private Png() {
    }

    static void write(BufferedImage image, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", png.toFile())) {
                throw CytoLabelException.invalid("no PNG writer available in this JVM; cannot write " + png);
            }
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot write plot " + png + ": " + e.getMessage()
                    + "; check that the directory is writable", e);
        }
    }

    static void requireNonEmptyTitle(String title) {
        if (title == null) {
            throw CytoLabelException.invalid("plot title is null; pass a title (it may be empty)");
        }
    }
}
