package io.qmesh.controller.distribute;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds the current policy and every Watch subscriber. Publishing hands the new policy to each
 * subscriber, which sends it only when its transport is ready: no subscriber waits for another.
 */
public class PolicyDistributor {

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private volatile Published current;

    /** Publishes a policy; an unchanged version is not sent again. Returns whether it was new. */
    public boolean publish(Published policy) {
        synchronized (this) {
            if (current != null && current.version().equals(policy.version())) {
                return false;
            }
            current = policy;
        }
        for (Subscriber s : subscribers) {
            s.offer(policy);
        }
        return true;
    }

    /**
     * A new subscriber that holds {@code lastVersion}: it is sent nothing while that is current,
     * else the full current policy (as soon as there is one).
     */
    public Subscriber subscribe(String name, String lastVersion, UpdateSink sink) {
        // Under the lock, so a concurrent publish cannot be overtaken by this older policy.
        synchronized (this) {
            Published now = current;
            boolean holdsCurrent = now != null && now.version().equals(lastVersion);
            Subscriber subscriber = new Subscriber(name, sink, holdsCurrent ? now : null);
            subscribers.add(subscriber);
            if (now != null) {
                subscriber.offer(now);
            }
            return subscriber;
        }
    }

    public void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    public Published current() {
        return current;
    }
}
