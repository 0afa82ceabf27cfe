package io.qmesh.api.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A reference to a route resource (an HTTPRouteGroup) in the referring resource's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteRef {
    public String apiGroup;
    @Required
    public String kind;
    @Required
    public String name;
}
