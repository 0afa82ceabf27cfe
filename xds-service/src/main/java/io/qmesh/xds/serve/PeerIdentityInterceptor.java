package io.qmesh.xds.serve;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the SPIFFE ID of the client certificate (the URI SAN of the peer's leaf, when the transport
 * is mTLS) into the call's context for {@link AdsService}.
 */
public class PeerIdentityInterceptor implements ServerInterceptor {

    static final Context.Key<Optional<String>> SPIFFE_ID = Context.key("qmesh-peer-spiffe-id");
    private static final int URI_SAN = 6;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        Context context = Context.current().withValue(SPIFFE_ID, spiffeId(session));
        return Contexts.interceptCall(context, call, headers, next);
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
