package io.qmesh.xds.generate;

import com.google.common.net.InetAddresses;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/** Small constructors for the Envoy protos every builder needs. */
final class Protos {

    private Protos() {
    }

    static Any any(Message message) {
        return Any.pack(message);
    }

    static Address address(String ip, int port) {
        return Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
                .build();
    }

    static ConfigSource ads() {
        return ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3)
                .build();
    }

    static Duration millis(long millis) {
        return Duration.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000).build();
    }

    static UInt32Value u32(int value) {
        return UInt32Value.of(value);
    }

    static StringMatcher exact(String value) {
        return StringMatcher.newBuilder().setExact(value).build();
    }

    static StringMatcher prefix(String value) {
        return StringMatcher.newBuilder().setPrefix(value).build();
    }

    static RegexMatcher regex(String regex) {
        return RegexMatcher.newBuilder().setRegex(regex).build();
    }

    /** {@code 10.0.0.1} → /32, {@code 10.0.0.0/8} → /8 (IPv6 likewise with /128). */
    static CidrRange cidr(String ipOrRange) {
        int slash = ipOrRange.indexOf('/');
        String ip = slash < 0 ? ipOrRange : ipOrRange.substring(0, slash);
        if (!InetAddresses.isInetAddress(ip)) {
            throw new IllegalArgumentException("malformed IP range '" + ipOrRange + "': '" + ip + "' is not an IP address");
        }
        int max = ip.contains(":") ? 128 : 32;
        int length = slash < 0 ? max : prefixLength(ipOrRange, ipOrRange.substring(slash + 1), max);
        return CidrRange.newBuilder().setAddressPrefix(ip).setPrefixLen(u32(length)).build();
    }

    private static int prefixLength(String range, String length, int max) {
        try {
            int parsed = Integer.parseInt(length);
            if (parsed >= 0 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("malformed IP range '" + range + "': prefix length '" + length + "' is not 0-" + max);
    }

    static BoolValue bool(boolean value) {
        return BoolValue.of(value);
    }
}
