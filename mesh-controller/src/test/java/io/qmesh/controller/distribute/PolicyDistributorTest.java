package io.qmesh.controller.distribute;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.mesh.PolicyDelta;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.Service;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyDistributorTest {

    /** A transport whose readiness the test controls, as gRPC's isReady would. */
    static final class FakeStream implements UpdateSink {
        boolean ready = true;
        final List<MeshPolicyUpdate> received = new ArrayList<>();

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void send(MeshPolicyUpdate update) {
            received.add(update);
        }

        /** What the subscriber holds after applying everything it received, as xds-service would. */
        MeshPolicy holds() {
            MeshPolicy policy = null;
            for (MeshPolicyUpdate u : received) {
                policy = u.hasFull() ? u.getFull() : PolicyDelta.apply(policy, u.getDelta());
                assertThat(PolicyVersion.of(policy)).isEqualTo(u.getVersion());
            }
            return policy;
        }
    }

    static Published policy(String... services) {
        MeshPolicy.Builder p = MeshPolicy.newBuilder().setSettings(MeshSettings.newBuilder().setMeshName("qmesh"));
        for (String s : services) {
            p.addServices(Service.newBuilder().setRef(ObjectRef.newBuilder().setNamespace("bookstore").setName(s)));
        }
        MeshPolicy built = p.build();
        return new Published(built, PolicyVersion.of(built));
    }

    @Test
    void watch_newSubscriber_getsFullPolicyThenDeltas() {
        PolicyDistributor distributor = new PolicyDistributor();
        distributor.publish(policy("bookstore"));
        FakeStream stream = new FakeStream();

        distributor.subscribe("xds-0", "", stream);
        distributor.publish(policy("bookstore", "bookstore-v2"));

        assertThat(stream.received).hasSize(2);
        assertThat(stream.received.get(0).hasFull()).isTrue();
        assertThat(stream.received.get(1).hasDelta()).isTrue();
        assertThat(stream.received.get(1).getDelta().getBaseVersion()).isEqualTo(stream.received.get(0).getVersion());
        assertThat(stream.holds()).isEqualTo(policy("bookstore", "bookstore-v2").policy());
    }

    @Test
    void watch_subscriberHoldingCurrentVersion_isSentNothing() {
        PolicyDistributor distributor = new PolicyDistributor();
        Published current = policy("bookstore");
        distributor.publish(current);
        FakeStream stream = new FakeStream();

        distributor.subscribe("xds-0", current.version(), stream);

        assertThat(stream.received).isEmpty();
    }

    @Test
    void publish_sameVersionAgain_sendsNothing() {
        PolicyDistributor distributor = new PolicyDistributor();
        FakeStream stream = new FakeStream();
        distributor.subscribe("xds-0", "", stream);

        distributor.publish(policy("bookstore"));
        boolean republished = distributor.publish(policy("bookstore"));

        assertThat(republished).isFalse();
        assertThat(stream.received).hasSize(1);
    }

    @Test
    void watch_subscriberThatStopsReading_getsOnlyTheNewestWhenItResumes_othersUnaffected() {
        PolicyDistributor distributor = new PolicyDistributor();
        distributor.publish(policy("a"));
        FakeStream slow = new FakeStream();
        FakeStream fast = new FakeStream();
        Subscriber slowSubscriber = distributor.subscribe("xds-slow", "", slow);
        distributor.subscribe("xds-fast", "", fast);

        slow.ready = false;
        distributor.publish(policy("a", "b"));
        distributor.publish(policy("a", "b", "c"));
        distributor.publish(policy("a", "c", "d"));

        assertThat(fast.received).hasSize(4);
        assertThat(slow.received).hasSize(1);
        slow.ready = true;
        slowSubscriber.drain();

        assertThat(slow.received).hasSize(2);
        assertThat(slow.received.get(1).getVersion()).isEqualTo(policy("a", "c", "d").version());
        assertThat(slow.holds()).isEqualTo(fast.holds()).isEqualTo(policy("a", "c", "d").policy());
    }

    @Test
    void watch_subscriberBeforeFirstCompile_getsFullPolicyOnFirstPublish() {
        PolicyDistributor distributor = new PolicyDistributor();
        FakeStream stream = new FakeStream();
        distributor.subscribe("xds-0", "sha256:stale", stream);

        distributor.publish(policy("bookstore"));

        assertThat(stream.received).singleElement().satisfies(u -> assertThat(u.hasFull()).isTrue());
    }

    @Test
    void unsubscribe_leavesTheCount() {
        PolicyDistributor distributor = new PolicyDistributor();
        Subscriber s = distributor.subscribe("xds-0", "", new FakeStream());
        assertThat(distributor.subscriberCount()).isEqualTo(1);

        distributor.unsubscribe(s);

        assertThat(distributor.subscriberCount()).isZero();
    }

    @Test
    void update_contentHash_isTheSha256OfThePayload() {
        Published v1 = policy("a");
        Published v2 = policy("a", "b");

        MeshPolicyUpdate full = Updates.full(v1);
        MeshPolicyUpdate delta = Updates.between(v1, policy("a", "b", "c", "d", "e", "f"));

        assertThat("sha256:" + full.getContentHash()).isEqualTo(PolicyVersion.of(full.getFull()));
        assertThat(delta.hasDelta()).isTrue();
        assertThat("sha256:" + delta.getContentHash()).isEqualTo(PolicyVersion.of(delta.getDelta()));
        assertThat(Updates.full(v2).getVersion()).isEqualTo(v2.version());
    }
}
