"""Route questions the steps ask: where does this go out, where from."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from asalint.addresses import ANY
from asalint.negotiate.index import DeviceIndex, RouteEntry


def same_interface(first: str | None, second: str | None) -> bool:
    return (
        first is not None
        and second is not None
        and first.lower() == second.lower()
    )


def egress(
    index: DeviceIndex, target: IPv4Address | IPv4Network
) -> RouteEntry | None:
    """The route a packet to `target` follows (longest prefix)."""
    return index.routing.lookup(target)


def reached_inside(
    index: DeviceIndex, network: IPv4Network, crypto: str | None
) -> bool:
    """Is some part of `network` behind an interface other than `crypto`?

    A crypto ACL's source side must be where real traffic comes from; a
    reversed ACL names the peer's networks there, which sit behind the
    crypto interface itself.
    """
    if network == ANY:
        return True
    return any(
        name is not None and not same_interface(name, crypto)
        for name in index.routing.interfaces_reaching(network)
    )


def named_by_a_route(index: DeviceIndex, network: IPv4Network) -> bool:
    """Does a route other than the default one cover part of `network`?"""
    if index.routing.within(network):
        return True
    route = index.routing.lookup(network)
    return route is not None and route.network.prefixlen > 0


def learned(walk, side, target) -> bool:
    """When no configured route decides, a device that runs a routing
    protocol is taken to have learned one: an assumption, said so."""
    end = walk.end(side)
    if not end.index.dynamic_routing:
        return False
    walk.assume(
        f"{end.name} is taken to route {target} as needed: it runs a"
        " routing protocol whose routes the config does not show"
    )
    return True


def arrival(index: DeviceIndex, network: IPv4Network) -> str | None:
    """The interface traffic from `network` comes in on (its route)."""
    route = egress(index, network)
    return route.interface if route else None
