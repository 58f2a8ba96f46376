package org.cytolabel.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The token file format, the roles and the one list of mutating RPCs. */
class TokensTest {
    private static final String SECRET = "s3cr3t-7f3a9c1e5b2d";

    @Test
    void parsesRolesSkippingCommentsAndBlankLines() {
        Tokens t = Tokens.parse("""
                # rotated 2025-01-01
                read   reader-0123456789ab

                write\twriter-0123456789ab
                  READ reader-2-0123456789
                """, "tokens");
        assertEquals(2, t.count(Role.READ));
        assertEquals(1, t.count(Role.WRITE));
        assertEquals(Optional.of(Role.READ), t.roleOf("reader-0123456789ab"));
        assertEquals(Optional.of(Role.WRITE), t.roleOf("writer-0123456789ab"));
        assertEquals(Optional.empty(), t.roleOf("writer-0123456789a"));
        assertEquals(Optional.empty(), t.roleOf(""));
        assertEquals("Tokens[2 read, 1 write]", t.toString());
    }

    @Test
    void writeImpliesRead() {
        assertTrue(Role.WRITE.allows(Role.WRITE));
        assertTrue(Role.WRITE.allows(Role.READ));
        assertTrue(Role.READ.allows(Role.READ));
        assertFalse(Role.READ.allows(Role.WRITE));
    }

    @Test
    void malformedLinesAreNamedWithoutQuotingTheToken() {
        assertError("f line 2: role must be 'read' or 'write'", "# c\nadmin " + SECRET);
        assertError("f line 1: expected '<role> <token>' (two fields), found 3", "write " + SECRET + " extra");
        assertError("f line 1: expected '<role> <token>' (two fields), found 1", SECRET);
        assertError("f line 1: token shorter than 16 characters; make one with 'openssl rand -hex 32'",
                "read short");
        assertError("f line 2: the same token is listed twice", "read " + SECRET + "\nwrite " + SECRET);
        assertError("f lists no tokens; add lines '<role> <token>' (role read or write)", "# nothing yet\n\n");
    }

    @Test
    void mutatingRpcsAreTheSixThatChangeState() {
        assertEquals(Set.of(
                "registry.v1.ModelRegistry/PublishModel",
                "registry.v1.ModelRegistry/SetAlias",
                "registry.v1.ModelRegistry/DeleteVersion",
                "trainer.v1.Trainer/UploadDataset",
                "trainer.v1.Trainer/SubmitTraining",
                "trainer.v1.Trainer/CancelJob"), AccessPolicy.MUTATING);
        AccessPolicy open = AccessPolicy.project(false);
        AccessPolicy closed = AccessPolicy.project(true);
        assertEquals(Optional.of(Role.WRITE), open.required("trainer.v1.Trainer/SubmitTraining"));
        assertEquals(Optional.empty(), open.required("registry.v1.ModelRegistry/GetModel"));
        assertEquals(Optional.of(Role.READ), closed.required("registry.v1.ModelRegistry/GetModel"));
        assertEquals(Optional.of(Role.READ), closed.required("annotation.v1.Annotator/Annotate"));
        assertEquals(Optional.of(Role.READ), closed.required("trainer.v1.Trainer/WatchJob"));
        assertEquals(Optional.empty(), closed.required("grpc.health.v1.Health/Check"));
        assertEquals(Optional.empty(), closed.required("grpc.health.v1.Health/Watch"));
        assertEquals(Optional.empty(), closed.required("grpc.reflection.v1.ServerReflection/ServerReflectionInfo"));
    }

    private static void assertError(String expected, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokens.parse(text, "f"));
        assertEquals(expected, e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }
}
