"""bg dataset md vs plain bg md side by side (see scripts/bench-dataset). Needs no OpenMM Python."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

root, java = sys.argv[1], sys.argv[2]
tiny = os.environ.get("BENCH_TINY") == "1"
n = 2 if tiny else int(os.environ.get("BENCH_PEPTIDES", "8"))
ns = 0.002 if tiny else float(os.environ.get("BENCH_NS", "0.5"))
engines = os.environ.get("BENCH_ENGINES", "local cluster").split()
if not engines or any(e not in ("local", "cluster") for e in engines):
    sys.exit(f"bench-dataset: BENCH_ENGINES must name local and/or cluster, got {os.environ.get('BENCH_ENGINES')!r}")
equilibrate_ps = 1 if tiny else 10
sequences = ["AA", "AG", "AK", "AS", "AT", "AV", "AL", "AD", "GA", "KA", "SA", "TA"][:n]
core = f"{root}/bg/target/boltzmann4j-bg-0.1.0-SNAPSHOT.jar:{root}/bg/target/lib/*"
bg_core = [java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xss4m",
           f"-Dboltzmann4j.native={root}/native/build/libboltzmann4j_openmm.so", "-cp", core, "org.boltzmann4j.bg.cli.Main"]
tmp = tempfile.mkdtemp(prefix="bench-dataset-")
# bg build comes with issue 11; until it is in this tree the peptides are prebuilt copies of the bundled
# alanine dipeptide in implicit solvent under the sequences' names (the unit of work then skips its build).
# (bg build --help would print bg's own help and succeed: ask bg --help for its commands instead)
has_build = any(line.strip().startswith("build ") for line in subprocess.run(bg_core + ["--help"], capture_output=True, text=True).stdout.splitlines())


def prebuild(out):
    if has_build:
        return
    res = f"{root}/bg/src/main/resources/org/boltzmann4j/bg/systems"
    for s in sequences:
        os.makedirs(f"{out}/{s}", exist_ok=True)
        shutil.copy(f"{res}/aldp-implicit.xml", f"{out}/{s}/system.xml")
        shutil.copy(f"{res}/aldp-implicit.pdb", f"{out}/{s}/structure.pdb")
        with open(f"{out}/{s}/topology.json", "w") as f:
            f.write("{}\n")


def dataset(out, engine):
    prebuild(out)
    args = [f"{root}/scripts/bg", "dataset", "md", "--sequences", ",".join(sequences), "--ns", str(ns),
            "--equilibrate-ps", str(equilibrate_ps), "--out", out, "--engine", engine]
    t0 = time.monotonic()
    r = subprocess.run(args, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        sys.exit(f"bench-dataset: {' '.join(args)} failed:\n{r.stderr[-3000:]}")
    done = [json.load(open(f"{out}/{s}/DONE.json")) for s in sequences]
    return wall, done


def plain(source, out):
    """The dataset's own bg commands (from each task.log) as two bg processes side by side."""
    scripts = []
    for s in sequences:
        os.makedirs(f"{out}/{s}", exist_ok=True)
        for f in ("system.xml", "structure.pdb", "topology.json"):
            if not has_build:
                shutil.copy(f"{source}/{s}/{f}", f"{out}/{s}/{f}")
        lines = [l.split(": bg ", 1)[1].split() for l in open(f"{source}/{s}/task.log") if l.startswith("# ") and ": bg " in l]
        # bg build wrote into .build for the unit of work to move; here it writes in place
        cmds = [[a.replace(source, out).replace(f"{out}/{s}/.build", f"{out}/{s}") for a in words] for words in lines]
        scripts.append(cmds)
    t0 = time.monotonic()
    running, queue = [], list(scripts)
    while queue or running:
        while queue and len(running) < 2:
            cmds = queue.pop(0)
            running.append(subprocess.Popen(["bash", "-c", " && ".join(
                " ".join(f"'{w}'" for w in bg_core + c) + " >/dev/null 2>&1" for c in cmds)]))
        for p in running[:]:
            if p.poll() is not None:
                if p.returncode != 0:
                    sys.exit("bench-dataset: a plain bg md run failed")
                running.remove(p)
        time.sleep(0.05)
    return time.monotonic() - t0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report(engine, wall, done, plain_wall):
    total_ns = sum(d["ns"] for d in done)
    print(json.dumps({
        "bench": "dataset", "engine": engine, "tiny": tiny, "peptides": n, "ns_per_peptide": ns, "equilibrate_ps": equilibrate_ps,
        "prebuilt_peptides": not has_build,
        "dataset_wall_s": round(wall, 2), "dataset_ns_per_day": round(total_ns / (wall / 86400), 2),
        "md_wall_s": round(plain_wall, 2), "md_ns_per_day": round(total_ns / (plain_wall / 86400), 2),
        "dataset_vs_md": round(plain_wall / wall, 4),
        "startup_s_per_task": round(sum(d["startup_s"] for d in done) / n, 3),
        "startup_s_per_bg_md": round(sum(d["startup_s"] for d in done) / n / (2 if equilibrate_ps > 0 else 1), 3),
        "md_s_per_task": round(sum(d["md_s"] for d in done) / n, 3),
        "load": os.getloadavg()[0],
    }), flush=True)


try:
    if "local" in engines:
        wall, done = dataset(f"{tmp}/local", "local[2]")
        plain_wall = plain(f"{tmp}/local", f"{tmp}/plain-1")
        report("local[2]", wall, done, plain_wall)
    if "cluster" in engines:
        port = free_port()
        env = dict(os.environ, SPARK_CLUSTER_DIR=f"{tmp}/cluster", SPARK_MASTER_PORT=str(port), JAVA_HOME=os.path.dirname(os.path.dirname(java)))
        url = subprocess.run([f"{root}/scripts/spark-cluster", "start"], env=env, check=True, capture_output=True, text=True).stdout.strip()
        try:
            wall, done = dataset(f"{tmp}/cluster-run", url)
        finally:
            subprocess.run([f"{root}/scripts/spark-cluster", "stop"], env=env, capture_output=True)
        plain_wall = plain(f"{tmp}/cluster-run", f"{tmp}/plain-2")
        report("standalone, 2 workers x 1 core", wall, done, plain_wall)
    if "local" in engines and "cluster" in engines:
        for s in sequences:
            for f in ("trajectory.dcd", "energies.npy"):
                if open(f"{tmp}/local/{s}/{f}", "rb").read() != open(f"{tmp}/cluster-run/{s}/{f}", "rb").read():
                    sys.exit(f"bench-dataset: {s}/{f} differs between local[2] and the cluster")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
