package io.qmesh.xds.generate;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable hash map whose next version shares every shard a change does not touch: changing a
 * few keys of a map of 10,000 copies a few shards of ~150 entries, not the map. {@link EndpointIndex}
 * keeps its per-pod maps in these so a one-endpoint change does not cost O(pods).
 */
final class CowMap<K, V> extends AbstractMap<K, V> {

    private static final int SHARD_BITS = 6;
    private static final int SHARDS = 1 << SHARD_BITS;
    private static final CowMap<?, ?> EMPTY = new CowMap<>(emptyShards(), 0);

    private final Map<K, V>[] shards;
    private final int size;

    private CowMap(Map<K, V>[] shards, int size) {
        this.shards = shards;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <K, V> CowMap<K, V> empty() {
        return (CowMap<K, V>) EMPTY;
    }

    /** A version of this map to change; this one stays as it is. */
    Editor<K, V> edit() {
        return new Editor<>(this);
    }

    @Override
    public V get(Object key) {
        return shards[shard(key)].get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return shards[shard(key)].containsKey(key);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<K, V>> iterator() {
                return new Iterator<>() {
                    private int shard;
                    private Iterator<Entry<K, V>> current = shards[0].entrySet().iterator();

                    @Override
                    public boolean hasNext() {
                        while (!current.hasNext() && shard < SHARDS - 1) {
                            current = shards[++shard].entrySet().iterator();
                        }
                        return current.hasNext();
                    }

                    @Override
                    public Entry<K, V> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        Entry<K, V> e = current.next();
                        return Map.entry(e.getKey(), e.getValue());
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** The top bits of a multiplicative hash: a shard's HashMap indexes by the low bits, which stay spread. */
    private static int shard(Object key) {
        return (key.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - SHARD_BITS);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V>[] emptyShards() {
        Map<K, V>[] shards = new Map[SHARDS];
        Arrays.fill(shards, Map.of());
        return shards;
    }

    /**
     * Changes to a {@link CowMap}: a shard is copied on its first change; {@link #build()} gives the new
     * map and hands it the copied shards, so an editor is used for one version only.
     */
    static final class Editor<K, V> {

        private final Map<K, V>[] shards;
        private final boolean[] copied = new boolean[SHARDS];
        private int size;

        private Editor(CowMap<K, V> from) {
            this.shards = from.shards.clone();
            this.size = from.size;
        }

        V get(K key) {
            return shards[shard(key)].get(key);
        }

        V getOrDefault(K key, V fallback) {
            return shards[shard(key)].getOrDefault(key, fallback);
        }

        void put(K key, V value) {
            if (writable(key).put(key, value) == null) {
                size++;
            }
        }

        void remove(K key) {
            if (shards[shard(key)].containsKey(key)) {
                writable(key).remove(key);
                size--;
            }
        }

        CowMap<K, V> build() {
            return new CowMap<>(shards.clone(), size);
        }

        private Map<K, V> writable(K key) {
            int i = shard(key);
            if (!copied[i]) {
                shards[i] = new HashMap<>(shards[i]);
                copied[i] = true;
            }
            return shards[i];
        }
    }
}
