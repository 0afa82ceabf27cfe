#!/usr/bin/env bash
# The bookstore walkthrough on a real cluster (the one kubectl points at), with Envoy sidecars.
#   make demo                 (runs this when `kubectl cluster-info` answers)
#   STEP=4 make demo          start at step 4
#   make demo REGISTRY=myregistry.azurecr.io   push images there instead of `kind load`
#   UNATTENDED=1              no pauses, assertions on the counters (make e2e-kind)
set -euo pipefail
cd "$(dirname "$0")/.."

STEP=${STEP:-1}
REGISTRY=${REGISTRY:-}
REGISTRY=${REGISTRY%/}          # with or without a trailing slash
PREFIX=${REGISTRY:+$REGISTRY/}  # image names are ${PREFIX}qmesh/<name>:$TAG
TAG=${TAG:-0.1.0-SNAPSHOT}
UNATTENDED=${UNATTENDED:-}
DEMO=bookstore-demo/k8s
pf_pids=()

cleanup() { for p in "${pf_pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

say()   { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pause() { [ -n "$UNATTENDED" ] || read -r -p "   (Enter for the next step) " _ </dev/tty || true; }
step()  { [ "$1" -ge "$STEP" ]; }

counters() { # app namespace
  kubectl -n "$2" exec deploy/"$1" -c "$1" -- sh -c 'curl -s localhost:14001/counters 2>/dev/null || wget -qO- localhost:14001/counters' || true
}

# expect <app> <ns> <python expression over c = counters dict>: only in unattended mode
expect() {
  [ -n "$UNATTENDED" ] || return 0
  local json; json=$(counters "$1" "$2")
  python3 -c "import json,sys; c=json.loads(sys.argv[1]); sys.exit(0 if ($3) else 1)" "$json" \
    || { echo "FAILED: $1 counters $json do not satisfy: $3" >&2; exit 1; }
}

show() {
  for app in bookbuyer bookthief; do printf '   %-10s %s\n' "$app" "$(counters $app $app)"; done
}

if step 1; then
  say "1. Build the images and make them available to the cluster"
  make images REGISTRY="$REGISTRY" TAG="$TAG"
  docker build -q -f bookstore-demo/src/main/docker/Dockerfile -t "${PREFIX}qmesh/bookstore-demo:$TAG" bookstore-demo
  images="mesh-controller cert-manager-svc xds-service sidecar-injector init bookstore-demo"
  if [[ "$(kubectl config current-context)" == kind-* ]]; then
    for i in $images; do kind load docker-image "${PREFIX}qmesh/$i:$TAG" --name "$(kubectl config current-context | sed 's/^kind-//')"; done
  elif [ -n "$REGISTRY" ]; then
    for i in $images; do docker push "${PREFIX}qmesh/$i:$TAG"; done
  else
    echo "Not a kind cluster: set REGISTRY=<registry> so the cluster can pull the images." >&2; exit 1
  fi
fi

if step 2; then
  say "2. Install qmesh (kubectl apply -f k8s/) and wait for the control plane"
  kubectl apply -f k8s/
  if [ -n "$REGISTRY" ]; then
    for s in mesh-controller cert-manager-svc xds-service sidecar-injector; do
      kubectl -n qmesh-system set image deploy/$s $s="${PREFIX}qmesh/$s:$TAG"
    done
  fi
  kubectl -n qmesh-system rollout status deploy --timeout=300s
  # The mesh's MeshConfig (k8s/ installs only its CRD): sidecars use the init image built in step 1
  kubectl wait --for=condition=Established crd/meshconfigs.config.qmesh.io --timeout=60s
  kubectl apply -f k8s/examples/meshconfig.yaml
  kubectl -n qmesh-system patch meshconfig qmesh-mesh-config --type=merge \
    -p '{"spec":{"sidecar":{"initContainerImage":"'"${PREFIX}qmesh/init:$TAG"'"},"traffic":{"enablePermissiveTrafficPolicyMode":true}}}'
  pause
fi

if step 3; then
  say "3. Permissive mode: deploy the bookstore apps (each gets an Envoy sidecar); everyone buys"
  kubectl apply -f $DEMO/00-namespaces.yaml -f $DEMO/10-identities-and-services.yaml
  kubectl apply -f $DEMO/20-deployments.yaml
  [ -z "$REGISTRY" ] || for d in bookbuyer/bookbuyer bookthief/bookthief bookstore/bookstore-v1 bookstore/bookstore-v2 bookwarehouse/bookwarehouse; do
    kubectl -n "${d%%/*}" set image deploy/"${d##*/}" "$(echo "${d##*/}" | cut -d- -f1)=${PREFIX}qmesh/bookstore-demo:$TAG"; done
  for ns in bookbuyer bookthief bookstore bookwarehouse; do kubectl -n $ns rollout status deploy --timeout=300s; done
  kubectl -n bookbuyer port-forward deploy/bookbuyer 8080:14001 >/dev/null 2>&1 & pf_pids+=($!)
  kubectl -n bookthief port-forward deploy/bookthief 8083:14001 >/dev/null 2>&1 & pf_pids+=($!)
  echo "   bookbuyer: http://localhost:8080   bookthief: http://localhost:8083"
  sleep 15; show
  expect bookbuyer bookbuyer "sum(c['success'].values()) > 0"
  expect bookthief bookthief "sum(c['success'].values()) > 0"
  pause
fi

if step 4; then
  say "4. Permissive mode off: with no TrafficTarget, every call is denied"
  kubectl -n qmesh-system patch meshconfig qmesh-mesh-config --type=merge \
    -p '{"spec":{"traffic":{"enablePermissiveTrafficPolicyMode":false}}}'
  sleep 15; show
  expect bookthief bookthief "any(k.startswith('HTTP 403') for k in c['failure'])"
  pause
fi

if step 5; then
  say "5. A TrafficTarget lets bookbuyer buy; bookthief stays denied"
  kubectl apply -f $DEMO/policies/traffic-targets.yaml
  sleep 15; show
  expect bookbuyer bookbuyer "sum(c['success'].values()) > 0"
  pause
fi

for split in 100-0 50-50 0-100; do
  n=$((6 + $(echo "100-0 50-50 0-100" | tr ' ' '\n' | grep -n "^$split$" | cut -d: -f1) - 1))
  if step $n; then
    say "$n. TrafficSplit bookstore v1/v2 = ${split/-//}"
    kubectl apply -f $DEMO/policies/traffic-split-$split.yaml
    sleep 20; show
    pause
  fi
done
expect bookbuyer bookbuyer "c['success'].get('v2', 0) > 0"
say "Done. Grafana and Prometheus: kubectl apply -k k8s/addons/ && kubectl -n qmesh-system port-forward svc/qmesh-grafana 3000"
