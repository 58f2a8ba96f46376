package org.cytolabel.service.security;

import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A service whose unary methods echo a string, under any full method names (so a test can stand in
 * for {@code registry.v1.ModelRegistry/SetAlias} without the real service behind it).
 */
final class StringRpcs implements BindableService {
    private final String service;
    private final String[] methods;

    /** @param methods method names (the part after the slash) */
    StringRpcs(String service, String... methods) {
        this.service = service;
        this.methods = methods;
    }

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service);
        for (String m : methods) {
            b.addMethod(method(MethodDescriptor.generateFullMethodName(service, m)),
                    ServerCalls.asyncUnaryCall((String req, io.grpc.stub.StreamObserver<String> resp) -> {
                        resp.onNext(req);
                        resp.onCompleted();
                    }));
        }
        return b.build();
    }

    /** Calls {@code fullMethodName} with {@code text}; 10 s deadline. */
    static String call(Channel channel, String fullMethodName, String text) {
        return ClientCalls.blockingUnaryCall(channel, method(fullMethodName),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), text);
    }

    private static MethodDescriptor<String, String> method(String fullName) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullName)
                .setRequestMarshaller(Utf8.INSTANCE)
                .setResponseMarshaller(Utf8.INSTANCE)
                .build();
    }

    private enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
