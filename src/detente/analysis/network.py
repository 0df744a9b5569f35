"""The alliance and tension network: a signed, weighted graph of countries (or actors).

An edge joins two countries (or actor codes) that acted on each other in the window, in either
direction; events of a country on itself (or an actor on itself), and events without a target,
are left out. Per edge: `n` events, `coop` of quad class 1-2, `conflict` of quad class 3-4,
`goldstein_sum`, and the signed `weight = (coop - conflict) / n`, from -1 (all conflict) to +1
(all cooperation). Edges with fewer than `min_events` events are dropped (a single report is
weak evidence of a relation).

Blocs come from Louvain community detection (networkx, fixed seed: the same data give the same
blocs) on the cooperative edges only (coop > conflict), each weighted by its net cooperative
events, `coop - conflict`. A node with no cooperative edge is in no bloc (`bloc=None`). Blocs are
numbered 0, 1, … from the largest (ties: the one with the alphabetically first member).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from . import common


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    bloc: int | None
    events: int
    coop: int
    conflict: int


@dataclass(frozen=True)
class Edge:
    source: str  # the pair sorted: source < target
    target: str
    n: int
    coop: int
    conflict: int
    goldstein_sum: float
    weight: float  # (coop - conflict) / n: > 0 cooperative, < 0 conflictual


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    since: str | None
    until: str | None
    level: str

    def to_dict(self) -> dict:
        return {"nodes": [asdict(n) for n in self.nodes], "edges": [asdict(e) for e in self.edges],
                "since": self.since, "until": self.until, "level": self.level}

    def graph(self):
        """The network as a networkx Graph, nodes and edges carrying their fields (no None values)."""
        import networkx as nx

        graph = nx.Graph(since=self.since or "", until=self.until or "", level=self.level)
        for node in self.nodes:
            graph.add_node(node.id, **{k: v for k, v in asdict(node).items() if k != "id" and v is not None})
        for edge in self.edges:
            graph.add_edge(edge.source, edge.target, **{k: v for k, v in asdict(edge).items()
                                                         if k not in ("source", "target")})
        return graph

    def to_graphml(self) -> str:
        import networkx as nx

        return "\n".join(nx.generate_graphml(self.graph())) + "\n"


def network(con, since=None, until=None, level: str = "country", count: str = "mentions", min_events: int = 1,
            modality: str | None = "asserted", origin: str | None = None) -> Network:
    """The network of the window (see the module docstring)."""
    src, tgt = common.columns(level)
    table = common.table(count)
    first, last = common.window(since, until)
    if min_events < 1:
        raise common.DetenteError(f"min_events {min_events!r} must be at least 1")
    where, params = common.filters(con, table, first, last, modality, origin)
    where += [f"{src} IS NOT NULL", f"{tgt} IS NOT NULL", f"{src} <> {tgt}"]
    sql = f"""
        SELECT least({src}, {tgt}) AS a, greatest({src}, {tgt}) AS b, count(*) AS n,
               count(*) FILTER (WHERE quad_class IN (1, 2)) AS coop,
               count(*) FILTER (WHERE quad_class IN (3, 4)) AS conflict,
               coalesce(sum(goldstein), 0) AS goldstein_sum
        FROM {table} WHERE {' AND '.join(where)}
        GROUP BY 1, 2 HAVING count(*) >= ? ORDER BY a, b
    """
    found = con.execute(sql, [*params, int(min_events)]).fetchall()
    edges = tuple(Edge(a, b, n, coop, conflict, common.rounded(gs), round((coop - conflict) / n, 4))
                  for a, b, n, coop, conflict, gs in found)
    totals: dict[str, list[int]] = {}
    for e in edges:
        for end in (e.source, e.target):
            t = totals.setdefault(end, [0, 0, 0])
            t[0] += e.n
            t[1] += e.coop
            t[2] += e.conflict
    blocs = _blocs(edges)
    nodes = tuple(Node(code, common.label(code), blocs.get(code), *totals[code]) for code in sorted(totals))
    return Network(nodes, edges, first and first.isoformat(), last and last.isoformat(), level)


def _blocs(edges) -> dict[str, int]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_weighted_edges_from((e.source, e.target, e.coop - e.conflict) for e in edges if e.coop > e.conflict)
    if not graph.number_of_edges():
        return {}
    found = nx.community.louvain_communities(graph, weight="weight", seed=0)
    ordered = sorted(found, key=lambda members: (-len(members), min(members)))
    return {member: number for number, members in enumerate(ordered) for member in members}
