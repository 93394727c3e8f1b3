"""A second real client against `fluxion cluster`: Debian's python3-kubernetes and its
dynamic client. Full discovery, CRDs, watch, server-side apply, paging, patches and
deletion propagation. Run by test/apiserver/python.test.ts with KUBECONFIG pointing at a
cluster it started and DISCOVERY_CACHE at a file in a temporary directory; prints one
line per check and exits 1 when any fails."""

import os
import sys
import threading
import time
import traceback

import kubernetes
from kubernetes.client.rest import ApiException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.discovery import EagerDiscoverer
from kubernetes.dynamic.exceptions import ConflictError, NotFoundError, UnprocessibleEntityError, ResourceNotFoundError

kubernetes.config.load_kube_config(config_file=os.environ["KUBECONFIG"])
api = kubernetes.client.ApiClient()
dyn = DynamicClient(api, cache_file=os.environ["DISCOVERY_CACHE"], discoverer=EagerDiscoverer)

NS = "python-suite"
failures = []
CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def wait(what, fn, timeout=20.0):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            value = fn()
            if value:
                return value
        except Exception as e:  # the object may not exist yet
            last = e
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s (%s)" % (what, last))


def equal(got, want, what=""):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def body_text(e):
    return e.body.decode() if isinstance(e.body, bytes) else str(e.body)


def res(api_version, kind):
    return dyn.resources.get(api_version=api_version, kind=kind)


@check
def discovery_finds_every_group_and_kind():
    equal(dyn.version["kubernetes"]["minor"], "33", "server minor version")
    # search() with no arguments walks every group-version (the discoverer's own iterator is broken in 22.6).
    every = [r for r in dyn.resources.search() if getattr(r, "kind", None)]
    kinds = {(r.group_version, r.kind) for r in every if not r.kind.endswith("List")}
    for want in [
        ("v1", "ConfigMap"),
        ("v1", "Namespace"),
        ("v1", "Pod"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("batch/v1", "CronJob"),
        ("networking.k8s.io/v1", "Ingress"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("coordination.k8s.io/v1", "Lease"),
        ("events.k8s.io/v1", "Event"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ]:
        if want not in kinds:
            raise AssertionError("discovery lacks %s %s" % want)
    deployments = res("apps/v1", "Deployment")
    equal(deployments.namespaced, True, "deployments namespaced")
    equal(sorted(deployments.subresources.keys()), ["scale", "status"], "deployment subresources")
    equal("deploy" in deployments.short_names, True, "deploy short name")
    equal(res("v1", "Namespace").namespaced, False, "namespaces cluster-scoped")
    groups = set(dyn.resources.api_groups)
    for g in ["apps", "batch", "apiextensions.k8s.io", "rbac.authorization.k8s.io"]:
        if g not in groups:
            raise AssertionError("api group %s missing" % g)
    print("  %d kinds discovered in %d groups" % (len(kinds), len(groups)))


@check
def create_get_list_patch_delete_configmaps():
    ns = res("v1", "Namespace")
    ns.create(body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    cms = res("v1", "ConfigMap")
    created = cms.create(namespace=NS, body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "plain"}, "data": {"a": "1"}})
    equal(created.metadata.namespace, NS)
    got = cms.get(namespace=NS, name="plain")
    equal(got.data.a, "1")
    merged = cms.patch(namespace=NS, name="plain", body={"data": {"b": "2"}}, content_type="application/merge-patch+json")
    equal(merged.to_dict()["data"], {"a": "1", "b": "2"}, "after merge patch")
    strategic = cms.patch(namespace=NS, name="plain", body={"data": {"c": "3"}})
    equal(sorted(strategic.to_dict()["data"]), ["a", "b", "c"], "after strategic patch")
    replaced = got.to_dict()
    replaced["data"] = {"z": "9"}
    try:
        cms.replace(namespace=NS, body=replaced)
        raise AssertionError("replace with a stale resourceVersion succeeded")
    except ConflictError as e:
        equal(e.status, 409)
    cms.delete(namespace=NS, name="plain")
    try:
        cms.get(namespace=NS, name="plain")
        raise AssertionError("deleted configmap still readable")
    except NotFoundError as e:
        equal(e.status, 404)


@check
def custom_resource_definitions_are_served_and_validated():
    crds = res("apiextensions.k8s.io/v1", "CustomResourceDefinition")
    crds.create(body={
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "gadgets.python.example.com"},
        "spec": {
            "group": "python.example.com",
            "scope": "Namespaced",
            "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
            "versions": [{
                "name": "v1",
                "served": True,
                "storage": True,
                "subresources": {"status": {}},
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {
                        "type": "object",
                        "required": ["size"],
                        "properties": {
                            "size": {"type": "integer", "minimum": 1},
                            "color": {"type": "string", "default": "grey"},
                        },
                    }},
                }},
            }],
        },
    })

    def established():
        crd = crds.get(name="gadgets.python.example.com")
        return any(c["type"] == "Established" and c["status"] == "True" for c in crd.to_dict().get("status", {}).get("conditions", []))

    wait("Established", established)
    wait("gadgets in discovery", lambda: dyn.resources.invalidate_cache() or res("python.example.com/v1", "Gadget"))
    gadgets = res("python.example.com/v1", "Gadget")
    g = gadgets.create(namespace=NS, body={"apiVersion": "python.example.com/v1", "kind": "Gadget", "metadata": {"name": "g1"}, "spec": {"size": 3, "unknown": True}})
    equal(g.to_dict()["spec"], {"size": 3, "color": "grey"}, "defaulted and pruned spec")
    try:
        gadgets.create(namespace=NS, body={"apiVersion": "python.example.com/v1", "kind": "Gadget", "metadata": {"name": "g2"}, "spec": {"size": 0}})
        raise AssertionError("an invalid gadget was accepted")
    except UnprocessibleEntityError as e:
        equal(e.status, 422)
        if "spec.size" not in body_text(e):
            raise AssertionError("the error does not name spec.size: %s" % body_text(e))
    equal([i["metadata"]["name"] for i in gadgets.get(namespace=NS).to_dict()["items"]], ["g1"], "listed gadgets")
    crds.delete(name="gadgets.python.example.com")

    def gone():
        dyn.resources.invalidate_cache()
        try:
            res("python.example.com/v1", "Gadget")
            return False
        except ResourceNotFoundError:
            return True

    wait("gadgets gone from discovery", gone)


@check
def watch_streams_every_change_in_order():
    cms = res("v1", "ConfigMap")
    start = cms.get(namespace=NS).metadata.resourceVersion
    seen = []
    watcher = kubernetes.watch.Watch()
    ready = threading.Event()

    def consume():
        ready.set()
        for event in cms.watch(namespace=NS, resource_version=start, timeout=20, watcher=watcher):
            obj = event["raw_object"]
            seen.append((event["type"], obj["metadata"]["name"], obj.get("data", {}).get("v")))
            if event["type"] == "DELETED" and obj["metadata"]["name"] == "watched":
                watcher.stop()

    t = threading.Thread(target=consume)
    t.start()
    ready.wait()
    cms.create(namespace=NS, body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "watched"}, "data": {"v": "1"}})
    cms.patch(namespace=NS, name="watched", body={"data": {"v": "2"}}, content_type="application/merge-patch+json")
    cms.delete(namespace=NS, name="watched")
    t.join(25)
    equal([s for s in seen if s[1] == "watched"], [("ADDED", "watched", "1"), ("MODIFIED", "watched", "2"), ("DELETED", "watched", "2")], "watched events")


def applied_configmap(value):
    """An apply configuration as YAML text: this client version sends apply bodies only as text."""
    data = "data:\n  key: %s\n" % value if value else ""
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: %s\n%s" % (NS, data)


@check
def server_side_apply_owns_fields_and_reports_conflicts():
    cms = res("v1", "ConfigMap")
    applied = cms.server_side_apply(body=applied_configmap("from-python"), name="applied", namespace=NS, field_manager="python-suite")
    managers = [(m["manager"], m["operation"]) for m in applied.to_dict()["metadata"]["managedFields"]]
    equal(managers, [("python-suite", "Apply")], "managers after apply")
    equal(applied.data.key, "from-python", "applied value")
    try:
        cms.server_side_apply(body=applied_configmap("from-other"), name="applied", namespace=NS, field_manager="other-manager")
        raise AssertionError("a conflicting apply succeeded")
    except ConflictError as e:
        equal(e.status, 409)
        if 'conflict with \\"python-suite\\"' not in body_text(e):
            raise AssertionError("conflict does not name the manager: %s" % body_text(e))
    forced = cms.server_side_apply(body=applied_configmap("from-other"), name="applied", namespace=NS, field_manager="other-manager", force_conflicts=True)
    equal(forced.data.key, "from-other", "forced value")
    # The first manager stops applying the field: it stays, owned by the other one.
    cms.server_side_apply(body=applied_configmap(None), name="applied", namespace=NS, field_manager="python-suite")
    equal(cms.get(namespace=NS, name="applied").data.key, "from-other", "value kept by its owner")


@check
def lists_page_with_limit_and_continue():
    cms = res("v1", "ConfigMap")
    for i in range(7):
        cms.create(namespace=NS, body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "page-%d" % i, "labels": {"paged": "yes"}}})
    names = []
    token = None
    pages = 0
    while True:
        page = cms.get(namespace=NS, label_selector="paged=yes", limit=3, _continue=token).to_dict()
        pages += 1
        names += [i["metadata"]["name"] for i in page["items"]]
        token = page["metadata"].get("continue")
        if not token:
            break
    equal(pages, 3, "pages")
    equal(names, ["page-%d" % i for i in range(7)], "paged names")
    first = cms.get(namespace=NS, limit=2).to_dict()
    if first["metadata"].get("remainingItemCount", 0) < 1:
        raise AssertionError("no remainingItemCount on an unfiltered page: %r" % first["metadata"])


@check
def field_selectors_and_deletion_propagation():
    cms = res("v1", "ConfigMap")
    one = cms.get(namespace=NS, field_selector="metadata.name=page-3").to_dict()["items"]
    equal([i["metadata"]["name"] for i in one], ["page-3"], "field selector")
    try:
        cms.get(namespace=NS, field_selector="data.x=y")
        raise AssertionError("an unsupported field selector was accepted")
    except ApiException as e:
        equal(e.status, 400)
    deployments = res("apps/v1", "Deployment")
    deployments.create(namespace=NS, body={
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
    })
    pods = res("v1", "Pod")
    wait("two pods", lambda: len(pods.get(namespace=NS, label_selector="app=web").items) == 2)
    deployments.delete(namespace=NS, name="web", body={"propagationPolicy": "Foreground"})

    def all_gone():
        left = len(pods.get(namespace=NS, label_selector="app=web").items)
        left += len(res("apps/v1", "ReplicaSet").get(namespace=NS, label_selector="app=web").items)
        try:
            deployments.get(namespace=NS, name="web")
            left += 1
        except NotFoundError:
            pass
        return left == 0

    wait("deployment, replica set and pods gone", all_gone)
    scale = deployments  # the scale subresource through the dynamic client
    deployments.create(namespace=NS, body={
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "scaled"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "scaled"}},
                 "template": {"metadata": {"labels": {"app": "scaled"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
    })
    sub = scale.subresources["scale"]
    sub.patch(namespace=NS, name="scaled", body={"spec": {"replicas": 3}}, content_type="application/merge-patch+json")
    wait("three replicas", lambda: sub.get(namespace=NS, name="scaled").status.replicas == 3)


def main():
    for fn in CHECKS:
        name = fn.__name__.replace("_", " ")
        try:
            fn()
            print("ok - %s" % name)
        except Exception:
            failures.append(name)
            print("not ok - %s" % name)
            traceback.print_exc(file=sys.stdout)
    try:
        res("v1", "Namespace").delete(name=NS)
    except Exception:
        pass
    print("%d checks, %d failed" % (len(CHECKS), len(failures)))
    sys.exit(1 if failures else 0)


main()
