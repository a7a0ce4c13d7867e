#!/usr/bin/env python3
"""deploy/kubernetes rendered with `kubectl kustomize` and validated against the schemas.

    python3 Tests/deploy/check_kubernetes.py   (needs kubectl, and kubernetes-validate and PyYAML)

Every overlay is rendered and every object validated strictly with kubernetes-validate; then the
parts that schemas cannot see are checked: the Service selects the workload's pods, probes hit
/readyz and /healthz, resources and a non-root security context are set, and each overlay has
what it promises (one SQLite replica on a claim; several PostgreSQL replicas with an Ingress with
TLS, a PodDisruptionBudget, an autoscaler, a migration Job with a generated name and a nightly
backup CronJob).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from harness import Checks

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
check = Checks("kubernetes")


def validate(name, text):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as file:
        file.write(text)
        file.flush()
        result = subprocess.run(
            [sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet", file.name],
            capture_output=True, text=True,
        )
    check(result.returncode == 0, f"{name} validates against the Kubernetes schemas: {result.stdout}{result.stderr}".strip())


def render(overlay):
    result = subprocess.run(["kubectl", "kustomize", str(KUBERNETES / overlay)], capture_output=True, text=True)
    check(result.returncode == 0, f"kubectl kustomize {overlay}: {result.stderr.strip()}")
    return result.stdout


def by_kind(objects):
    found = {}
    for item in objects:
        found.setdefault(item["kind"], []).append(item)
    return found


def check_workload(name, workload, service):
    pod = workload["spec"]["template"]
    labels = pod["metadata"].get("labels", {})
    selector = service["spec"]["selector"]
    check(selector and all(labels.get(k) == v for k, v in selector.items()), f"{name}: the Service selects the pods ({selector} in {labels})")
    check(workload["spec"]["selector"]["matchLabels"].items() <= labels.items(), f"{name}: the workload's selector matches its pods")
    container = pod["spec"]["containers"][0]
    check(container["readinessProbe"]["httpGet"]["path"] == "/readyz", f"{name}: readiness on /readyz")
    check(container["livenessProbe"]["httpGet"]["path"] == "/healthz", f"{name}: liveness on /healthz")
    check({"requests", "limits"} <= container.get("resources", {}).keys(), f"{name}: resource requests and limits")
    check(pod["spec"]["securityContext"].get("runAsNonRoot") is True, f"{name}: runs as non-root")
    check(container["securityContext"].get("readOnlyRootFilesystem") is True, f"{name}: read-only root file system")
    check(pod["spec"].get("terminationGracePeriodSeconds", 30) >= 30, f"{name}: time to finish requests on SIGTERM")
    return container


def main():
    for overlay in ("single", "postgres"):
        text = render(f"overlays/{overlay}")
        validate(overlay, text)
        objects = [item for item in yaml.safe_load_all(text) if item]
        kinds = by_kind(objects)
        service = kinds["Service"][0]
        if overlay == "single":
            workload = kinds.get("StatefulSet", [None])[0]
            check(workload is not None and "Deployment" not in kinds, "single: a StatefulSet, no Deployment")
            check(workload["spec"]["replicas"] == 1, "single: exactly one replica (SQLite is not shared)")
            claims = workload["spec"].get("volumeClaimTemplates", [])
            check(len(claims) == 1, "single: the data on a PersistentVolumeClaim")
            container = check_workload(overlay, workload, service)
            check(any(m["mountPath"] == "/data" for m in container["volumeMounts"]), "single: the claim is mounted on /data")
        else:
            workload = kinds.get("Deployment", [None])[0]
            check(workload is not None and workload["spec"]["replicas"] >= 2, "postgres: a Deployment of several replicas")
            container = check_workload(overlay, workload, service)
            secret = [e for e in container["env"] if e["name"] == "GALLEY_DATABASE_URL"]
            check(secret and "secretKeyRef" in secret[0]["valueFrom"], "postgres: the database URL comes from a Secret")
            ingress = kinds.get("Ingress", [{}])[0]
            check(bool(ingress.get("spec", {}).get("tls")), "postgres: the Ingress has TLS")
            check("cert-manager.io/cluster-issuer" in ingress.get("metadata", {}).get("annotations", {}), "postgres: cert-manager issues the certificate")
            check("PodDisruptionBudget" in kinds and "HorizontalPodAutoscaler" in kinds, "postgres: a PodDisruptionBudget and an autoscaler")
            hpa = kinds["HorizontalPodAutoscaler"][0]
            check(hpa["spec"]["scaleTargetRef"]["name"] == workload["metadata"]["name"], "postgres: the autoscaler scales the Deployment")
            cron = kinds.get("CronJob", [None])[0]
            check(cron is not None, "postgres: a CronJob backs the blog up")
            if cron:
                spec = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
                backup = spec["containers"][0]
                script = " ".join(backup.get("command", []) + backup.get("args", []))
                check("galley backup" in script and "galley backup --verify" in script, "postgres: the CronJob backs up and verifies")
                check(backup["image"] == container["image"], "postgres: the CronJob runs the Deployment's image")
                check(cron["spec"].get("concurrencyPolicy") == "Forbid", "postgres: backups never overlap")
                check(spec["securityContext"].get("runAsNonRoot") is True and backup["securityContext"].get("readOnlyRootFilesystem") is True,
                      "postgres: the backup runs as non-root on a read-only root")
                claims = {v["persistentVolumeClaim"]["claimName"] for v in spec.get("volumes", []) if "persistentVolumeClaim" in v}
                check(claims and claims <= {c["metadata"]["name"] for c in kinds.get("PersistentVolumeClaim", [])},
                      "postgres: the backups' claim is part of the overlay")
                database = [e for e in backup["env"] if e["name"] == "GALLEY_DATABASE_URL"]
                check(database and "secretKeyRef" in database[0]["valueFrom"], "postgres: the backup reads the database URL from the Secret")
            job_text = (KUBERNETES / "overlays" / "postgres" / "migration-job.yaml").read_text()
            validate("migration Job", job_text)
            job = yaml.safe_load(job_text)
            check("generateName" in job["metadata"] and "name" not in job["metadata"], "postgres: the migration Job's name is generated")
            check(job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"], "postgres: the Job runs galley migrate")
            check(job["spec"]["template"]["spec"]["containers"][0]["image"] == container["image"], "postgres: the Job runs the Deployment's image")

    check.finish()


if __name__ == "__main__":
    main()
