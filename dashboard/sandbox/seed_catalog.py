"""The fixed demo world the seed is made of: uploaders, sites and flavors, tags, claims.

Everything here is data a person would write down, none of it drawn at random: who
uploads, which sites exist with what hardware (CPU, disks, memory bandwidth: what
the result payloads are modelled on), which tags people use, which guest systems
run and what claims say. It is apart from `dashboard.sandbox.seed`, which turns it
into rows with ids and dates, so that the world reads as a table and the generator
as code. The benchmarks are in `dashboard.sandbox.seed_benchmarks`.
"""

from __future__ import annotations

from typing import NamedTuple

from dashboard.sandbox import seed_schemas

# Synthetic registered uploaders besides the demo identities: resource providers
# who benchmark their own sites and the EGI bot that benchmarks everyone's.
UPLOADERS = {  # key: (sub, email, registered days before the seed's ANCHOR)
    "cesnet": ("rp-cesnet-0101", "cloud-benchmarks@cesnet.example.org", 880),
    "ifca": ("rp-ifca-0102", "perf@ifca.example.org", 860),
    "infn": ("rp-infn-0103", "cloud-ops@infn.example.org", 850),
    "bot": ("egi-perf-bot-0104", "perf-bot@egi.example.org", 840),
}


class Flavor(NamedTuple):
    """A flavor of a site: the VM size results ran on, and its review status."""

    name: str
    cpus: int
    ram_gb: int
    gpus: int = 0
    gpu_model: str = ""
    status: str = "approved"
    added_days_ago: int | None = None  # None: added with its site
    #: How often results land on it, relative to a flavor of weight 1: people rarely
    #: benchmark some flavors, so a few of them have one or two results only.
    weight: float = 1.0
    #: Mixed hardware behind the flavor: (older CPU, its cpu_factor, share of the runs
    #: that landed on it); None when every run had the site's CPU.
    older_cpu: tuple[str, float, float] | None = None


class Site(NamedTuple):
    """A site, the hardware behind its flavors (what scores follow) and its flavors."""

    name: str
    address: str
    description: str
    owner: str
    joined_days_ago: int
    cpu_model: str  # as py-cpuinfo's brand_raw gives it
    cpu_factor: float  # single-core render time relative to a Xeon Gold 6148
    disk: str
    read_iops: float  # 4k random reads at queue depth 32
    mem_peak_mb_s: float  # STREAM triad with every memory channel busy
    infiniband: bool
    flavors: tuple[Flavor, ...]
    status: str = "approved"


_T4, _V100, _A100 = seed_schemas.GPU_MODELS

# fmt: off
SITES = (
    Site("CESNET-MetaCloud", "Prague, Czech Republic",
         "OpenStack cloud of CESNET, the Czech national research network.",
         "cesnet", 780, "AMD EPYC 7543 32-Core Processor", 0.85, "ceph-rbd", 9_000, 140_000, True, (
             Flavor("standard.tiny", 1, 2, added_days_ago=300, weight=0.1),
             Flavor("standard.small", 2, 4), Flavor("standard.medium", 4, 16),
             Flavor("standard.large", 8, 32), Flavor("hpc.16core-64ram", 16, 64),
             Flavor("hpc.32core-128ram", 32, 128), Flavor("gpu.t4x1", 8, 32, 1, _T4))),
    Site("IFCA-LCG2", "Santander, Spain",
         "Cloud and grid site of the Instituto de Física de Cantabria (CSIC-UC).",
         "ifca", 775, "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", 1.0, "ceph-rbd", 6_000, 100_000,
         False, (
             Flavor("standard.medium", 4, 8), Flavor("standard.xlarge", 16, 32),
             Flavor("gpu.v100x1", 8, 64, 1, _V100),
             Flavor("gpu.v100x2", 16, 128, 2, _V100, weight=0.25))),
    Site("INFN-CLOUD-BARI", "Bari, Italy",
         "INFN Cloud resources hosted in the ReCaS-Bari data centre.",
         "infn", 770, "Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz", 1.12, "local-ssd", 45_000,
         90_000, False, (
             Flavor("standard.tiny", 1, 2, weight=0.15),
             Flavor("standard.small", 2, 4), Flavor("standard.medium", 4, 8),
             Flavor("standard.large", 8, 16), Flavor("gpu.a100x1", 16, 120, 1, _A100))),
    Site("CESGA", "Santiago de Compostela, Spain",
         "Cloud of the Galician Supercomputing Centre, part of the EGI Federated Cloud.",
         "bot", 765, "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", 1.3, "nfs", 2_500, 70_000,
         False, (
             Flavor("standard.small", 2, 4), Flavor("standard.medium", 4, 8),
             Flavor("standard.large", 8, 16))),
    Site("IN2P3-IRES", "Strasbourg, France",
         "OpenStack cloud of IPHC Strasbourg (CNRS/IN2P3).",
         "bot", 760, "Intel(R) Xeon(R) Gold 5218 CPU @ 2.30GHz", 1.1, "ceph-rbd", 5_000, 95_000,
         False, (
             Flavor("standard.small", 2, 4), Flavor("standard.medium", 4, 8),
             Flavor("standard.large", 8, 16), Flavor("hpc.16core-32ram", 16, 32, weight=0.1))),
    Site("CYFRONET-CLOUD", "Kraków, Poland",
         "Cloud of ACC Cyfronet AGH, the Polish national HPC centre.",
         "bot", 420, "AMD EPYC 7742 64-Core Processor", 0.9, "local-nvme", 150_000, 150_000, True, (
             Flavor("standard.medium", 4, 16), Flavor("hpc.32core-128ram", 32, 128),
             Flavor("hpc.64core-256ram", 64, 256),
             Flavor("gpu.a100x4", 64, 512, 4, _A100, weight=0.05),
             Flavor("gpu.h100x1", 16, 192, 1, "NVIDIA H100", "on_review", 9))),
    Site("GWDG-CLOUD", "Göttingen, Germany",
         "OpenStack cloud of GWDG, the computing centre of the University of Göttingen.",
         "bot", 600, "Intel(R) Xeon(R) Platinum 8160 CPU @ 2.10GHz", 1.0, "ceph-rbd", 7_000,
         110_000, False, (
             Flavor("standard.small", 2, 4), Flavor("standard.medium", 4, 8),
             # Its hypervisors were renewed in part: two runs in five still land on old ones.
             Flavor("standard.large", 8, 32,
                    older_cpu=("Intel(R) Xeon(R) CPU E5-2650 v4 @ 2.20GHz", 1.35, 0.4)),
             Flavor("standard.xlarge", 16, 64))),
    Site("UPV-GRyCAP", "Valencia, Spain",
         "OpenStack cloud of the GRyCAP group at Universitat Politècnica de València.",
         "alice", 20, "Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz", 1.0, "ceph-rbd", 5_000, 90_000,
         False, (Flavor("standard.medium", 4, 8, status="on_review"),), status="on_review"),
)
# fmt: on

TAGS = (
    ("cloud", "General-purpose cloud VM."),
    ("hpc", "HPC flavor: dedicated cores and large memory."),
    ("gpu", "Flavor with one or more GPUs."),
    ("infiniband", "Nodes connected by InfiniBand."),
    ("ceph", "Block storage backed by Ceph RBD."),
    ("baseline", "Reference run that later results are compared with."),
    ("preemptible", "Preemptible (spot) capacity: expect noisy numbers."),
    ("ubuntu-22.04", "Guest OS was Ubuntu 22.04 LTS."),
    ("rocky-9", "Guest OS was Rocky Linux 9."),
    ("apptainer", "Run with Apptainer instead of Docker."),
)

#: The guest systems results ran on, how often (cumulative weights) and their tags.
OSES = ("Ubuntu 22.04", "Ubuntu 20.04", "Rocky Linux 9")
OS_CUM_WEIGHTS = (0.55, 0.8, 1.0)
OS_TAGS = {"Ubuntu 22.04": "ubuntu-22.04", "Rocky Linux 9": "rocky-9"}

#: What the seeded claims say, by whom (an uploader's key) and how far their review is.
CLAIMS = (  # (claimant key, status, message)
    (
        "alice",
        "on_review",
        "Several times slower than the other runs run on this flavor: probably a noisy neighbour.",
    ),
    (
        "cesnet",
        "on_review",
        "The note imported with this result names a host we never had: it is not one of our runs.",
    ),
    ("infn", "on_review", "Uploaded twice by our CI pipeline; this copy is a duplicate."),
    (
        "bot",
        "approved",
        "Wrong flavor recorded: the job ran on a larger flavor than the one uploaded.",
    ),
)
