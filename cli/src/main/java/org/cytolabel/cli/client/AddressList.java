package org.cytolabel.cli.client;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cytolabel.core.error.CytoLabelException;

/**
 * A fixed list of replicas as one gRPC target: {@code --server host1:50053,host2:50053} becomes
 * {@code cytolabel-list:///host1:50053,host2:50053}, which this name resolver turns into one address
 * per replica (every IP a host name resolves to), so that the channel's round_robin policy spreads
 * streams over all of them and skips the ones that are down. {@code dns:///name:port} (gRPC's own
 * resolver) does the same for every address one DNS name has, e.g. a Kubernetes headless service.
 */
public final class AddressList {
    /** The URI scheme of the resolver. */
    public static final String SCHEME = "cytolabel-list";
    private static final AtomicBoolean REGISTERED = new AtomicBoolean();

    private AddressList() {
    }

    /**
     * The gRPC target for a {@code --server} value: a comma-separated list becomes a
     * {@value #SCHEME} target (and the resolver is registered); anything else is returned as is.
     */
    public static String target(String server) {
        String s = server.strip();
        if (!s.contains(",")) {
            return s;
        }
        List<String> parts = Arrays.stream(s.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
        for (String p : parts) {
            if (p.contains("://") || p.startsWith("dns:")) {
                throw CytoLabelException.invalid("'" + p + "' in --server " + server + ": a comma list takes "
                        + "host:port entries only; use dns:///name:port alone to balance over a DNS name");
            }
            parse(p);
        }
        register();
        return SCHEME + ":///" + String.join(",", parts);
    }

    /** Makes {@value #SCHEME} targets known to every channel built after this (idempotent). */
    public static void register() {
        if (REGISTERED.compareAndSet(false, true)) {
            NameResolverRegistry.getDefaultRegistry().register(new Provider());
        }
    }

    /** {@code host:port} or {@code [v6]:port} as an unresolved socket address. */
    static InetSocketAddress parse(String hostPort) {
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0 || close + 1 >= hostPort.length() || hostPort.charAt(close + 1) != ':') {
                throw badAddress(hostPort);
            }
            host = hostPort.substring(1, close);
            port = hostPort.substring(close + 2);
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || hostPort.indexOf(':') != colon) {
                throw badAddress(hostPort);
            }
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon + 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw badAddress(hostPort);
            }
            return InetSocketAddress.createUnresolved(host, p);
        } catch (NumberFormatException e) {
            throw badAddress(hostPort);
        }
    }

    private static CytoLabelException badAddress(String a) {
        return CytoLabelException.invalid("'" + a + "' is not host:port (e.g. inference-0:50053 or [::1]:50053)");
    }

    private static final class Provider extends NameResolverProvider {
        @Override
        protected boolean isAvailable() {
            return true;
        }

        /** Below DNS's 5, so that DNS stays the scheme of targets that name none. */
        @Override
        protected int priority() {
            return 4;
        }

        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
            return List.of(InetSocketAddress.class);
        }

        @Override
        public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
            if (!SCHEME.equals(uri.getScheme())) {
                return null;
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            String list = path.startsWith("/") ? path.substring(1) : path;
            List<InetSocketAddress> replicas = Arrays.stream(list.split(",")).map(String::strip)
                    .filter(p -> !p.isEmpty()).map(AddressList::parse).toList();
            return new Resolver(uri.toString(), replicas, args);
        }
    }

    /** Resolves every listed host on start and on refresh (the channel refreshes after failures). */
    private static final class Resolver extends NameResolver {
        private final String authority;
        private final List<InetSocketAddress> replicas;
        private final Args args;
        private Listener2 listener;

        Resolver(String target, List<InetSocketAddress> replicas, Args args) {
            this.replicas = replicas;
            this.args = args;
            // TLS checks the first host's name; list replicas that share a certificate
            this.authority = replicas.isEmpty() ? target
                    : replicas.get(0).getHostString() + ":" + replicas.get(0).getPort();
        }

        @Override
        public String getServiceAuthority() {
            return authority;
        }

        @Override
        public void start(Listener2 l) {
            this.listener = l;
            resolve();
        }

        @Override
        public void refresh() {
            resolve();
        }

        private void resolve() {
            java.util.concurrent.Executor offload = args.getOffloadExecutor();
            (offload != null ? offload : (java.util.concurrent.Executor) Runnable::run).execute(() -> {
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                List<String> unknown = new ArrayList<>();
                for (InetSocketAddress r : replicas) {
                    try {
                        for (InetAddress a : InetAddress.getAllByName(r.getHostString())) {
                            groups.add(new EquivalentAddressGroup(new InetSocketAddress(a, r.getPort())));
                        }
                    } catch (UnknownHostException e) {
                        unknown.add(r.getHostString());
                    }
                }
                args.getSynchronizationContext().execute(() -> {
                    if (groups.isEmpty()) {
                        listener.onError(Status.UNAVAILABLE.withDescription("none of the hosts " + unknown
                                + " resolves"));
                    } else {
                        listener.onResult(NameResolver.ResolutionResult.newBuilder()
                                .setAddressesOrError(StatusOr.fromValue(groups)).build());
                    }
                });
            });
        }

        @Override
        public void shutdown() {
        }
    }
}
