package io.qmesh.controller.distribute;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** One distributor per controller process, shared by the compile loop and every Watch stream. */
public class DistributorProducer {

    @Produces
    @ApplicationScoped
    PolicyDistributor distributor() {
        return new PolicyDistributor();
    }
}
