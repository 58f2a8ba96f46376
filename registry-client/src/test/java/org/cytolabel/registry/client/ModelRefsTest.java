package org.cytolabel.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelRef;
import org.junit.jupiter.api.Test;

class ModelRefsTest {

    @Test
    void parsesTheThreeForms() {
        assertEquals(ModelRef.newBuilder().setName("pbmc-mlp").build(), RegistryClient.parseRef("pbmc-mlp"));
        assertEquals(ModelRef.newBuilder().setName("pbmc").setAlias("production").build(),
                RegistryClient.parseRef("pbmc@production"));
        assertEquals(ModelRef.newBuilder().setName("pbmc.v2_x").setVersion(3).build(),
                RegistryClient.parseRef(" pbmc.v2_x:3 "));
        for (String s : new String[] {"pbmc", "pbmc@production", "pbmc:12"}) {
            assertEquals(s, ModelRefs.format(RegistryClient.parseRef(s)));
        }
    }

    @Test
    void badSyntaxIsInvalidWithAnExample() {
        for (String bad : new String[] {"", "  ", "PBMC", "pbmc:", "pbmc:0", "pbmc:x", "pbmc@", "pbmc@3", "@prod",
                "pbmc@Prod", "-pbmc", "a/b"}) {
            CytoLabelException e = assertThrows(CytoLabelException.class, () -> RegistryClient.parseRef(bad), bad);
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
            assertTrue(e.getMessage().contains("e.g. 'pbmc-mlp'"), e.getMessage());
        }
    }
}
