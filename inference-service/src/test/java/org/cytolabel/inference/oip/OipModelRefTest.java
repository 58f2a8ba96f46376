package org.cytolabel.inference.oip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelRef;
import org.junit.jupiter.api.Test;

class OipModelRefTest {
    @Test
    void namesVersionsAndAliases() {
        assertEquals(ModelRef.newBuilder().setName("pbmc").build(), OipModelRef.parse("pbmc", ""));
        assertEquals(ModelRef.newBuilder().setName("pbmc").setVersion(3).build(), OipModelRef.parse("pbmc", "3"));
        assertEquals(ModelRef.newBuilder().setName("pbmc").setVersion(3).build(), OipModelRef.parse("pbmc", " 3 "));
        assertEquals(ModelRef.newBuilder().setName("pbmc").setAlias("production").build(),
                OipModelRef.parse("pbmc@production", ""));
    }

    @Test
    void refusesWhatIsNotAReference() {
        for (String[] bad : new String[][] {{"", ""}, {"pbmc", "latest"}, {"pbmc", "0"}, {"pbmc@prod", "2"},
            {"PBMC model", ""}}) {
            CytoLabelException e = assertThrows(CytoLabelException.class, () -> OipModelRef.parse(bad[0], bad[1]));
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), e.getMessage());
        }
    }
}
