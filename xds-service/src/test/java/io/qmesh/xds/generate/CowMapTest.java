package io.qmesh.xds.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CowMapTest {

    @Test
    void anEditedVersion_leavesThePreviousOneAsItWas() {
        CowMap.Editor<String, Integer> first = CowMap.<String, Integer>empty().edit();
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            first.put("k" + i, i);
            expected.put("k" + i, i);
        }
        CowMap<String, Integer> before = first.build();

        CowMap.Editor<String, Integer> second = before.edit();
        second.put("k1", -1);
        second.remove("k2");
        second.remove("absent");
        second.put("new", 7);
        CowMap<String, Integer> after = second.build();

        assertThat(before).isEqualTo(expected).hasSize(1000);
        expected.put("k1", -1);
        expected.remove("k2");
        expected.put("new", 7);
        assertThat(after).isEqualTo(expected).hasSize(1000);
        assertThat(after.get("k2")).isNull();
        assertThat(after.containsKey("new")).isTrue();
        assertThat(CowMap.empty()).isEmpty();
    }
}
