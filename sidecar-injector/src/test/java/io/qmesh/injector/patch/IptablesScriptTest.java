package io.qmesh.injector.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IptablesScriptTest {

    @Test
    void noExclusions_redirectsAllOutboundAndInbound_exemptingEnvoyUid() {
        String rules = IptablesScript.render(TrafficExclusions.NONE);

        assertThat(rules).startsWith("*nat\n").endsWith("COMMIT\n")
                .contains("-A QMESH_OUT_REDIRECT -p tcp -j REDIRECT --to-ports 15001\n")
                .contains("-A QMESH_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15003\n")
                .contains("-A QMESH_OUTBOUND -m owner --uid-owner 1500 -j RETURN\n")
                .contains("-A QMESH_OUTBOUND -j QMESH_OUT_REDIRECT\n");
    }

    @Test
    void podAndMeshLists_mergeSortedWithoutDuplicates() {
        TrafficExclusions mesh = TrafficExclusions.fromLists(List.of(9999, 80), List.of(), List.of(), List.of()).exclusions();
        TrafficExclusions pod = TrafficExclusions.fromAnnotations(Map.of(TrafficExclusions.OUTBOUND_PORTS, "443, 80")).exclusions();

        assertThat(mesh.merge(pod).outboundPorts()).containsExactly(80, 443, 9999);
        assertThat(IptablesScript.render(mesh.merge(pod))).isEqualTo(IptablesScript.render(pod.merge(mesh)));
    }

    @Test
    void inclusionList_redirectsOnlyThoseRanges() {
        String rules = IptablesScript.render(TrafficExclusions.fromAnnotations(
                Map.of(TrafficExclusions.OUTBOUND_IP_RANGES_INCLUDED, "10.0.0.0/8")).exclusions());

        assertThat(rules).contains("-A QMESH_OUTBOUND -d 10.0.0.0/8 -j QMESH_OUT_REDIRECT\n")
                .doesNotContain("-A QMESH_OUTBOUND -j QMESH_OUT_REDIRECT\n");
    }

    @Test
    void meshConfigInvalidEntry_isReportedWithItsField() {
        assertThat(TrafficExclusions.fromLists(List.of(70000), null, List.of("nope"), null).errors()).containsExactly(
                "spec.traffic.outboundPortExclusionList: '70000' is not a port number (1-65535)",
                "spec.traffic.outboundIPRangeExclusionList: 'nope' is not an IPv4 CIDR range (e.g. 10.0.0.0/8)");
    }
}
