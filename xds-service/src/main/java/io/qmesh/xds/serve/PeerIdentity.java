package io.qmesh.xds.serve;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the SPIFFE ID of the client certificate (the URI SAN of the peer's leaf, when the transport
 * is mTLS) into each call's context for {@link AdsService}. It wraps the service's call handlers
 * rather than being a {@code ServerInterceptor}: Quarkus's gRPC extension takes every interceptor
 * class it finds for one of its own and warns that it is unused.
 */
final class PeerIdentity {

    static final Context.Key<Optional<String>> SPIFFE_ID = Context.key("qmesh-peer-spiffe-id");
    private static final int URI_SAN = 6;

    private PeerIdentity() {
    }

    /** {@code service} with the peer's SPIFFE ID in the context of every call. */
    static ServerServiceDefinition addedTo(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(service.getServiceDescriptor());
        service.getMethods().forEach(method -> wrapped.addMethod(withPeer(method)));
        return wrapped.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> withPeer(ServerMethodDefinition<Q, R> method) {
        ServerCallHandler<Q, R> next = method.getServerCallHandler();
        return method.withServerCallHandler((call, headers) -> {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            return Contexts.interceptCall(Context.current().withValue(SPIFFE_ID, spiffeId(session)), call, headers, next);
        });
    }

    static Optional<String> spiffeId(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf) || leaf.getSubjectAlternativeNames() == null) {
                return Optional.empty();
            }
            for (List<?> san : leaf.getSubjectAlternativeNames()) {
                if (((Integer) san.get(0)) == URI_SAN && san.get(1).toString().startsWith("spiffe://")) {
                    return Optional.of(san.get(1).toString());
                }
            }
            return Optional.empty();
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return Optional.empty();
        }
    }
}
