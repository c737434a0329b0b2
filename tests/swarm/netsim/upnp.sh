#!/usr/bin/env bash
# The swarm from behind a home router: a "router" namespace runs miniupnpd between "home"
# (192.168.77.0/24, masqueraded) and the "internet" (11.77.0.0/24, where the router is .1 and
# another peer .20). The peer at home maps its port with UPnP (then, with the router speaking only
# NAT-PMP, with NAT-PMP) and publishes the router's address; the
# peer outside joins through that address and the two average a round (UDP for discovery and TCP for
# the round, both through the mapping); the mapping is gone after the home peer leaves; `sdtrain swarm
# reachability` sees the port forwarded and removes its mapping. Then, without
# miniupnpd, a peer at home falls back to client mode within 10 s, and with a bootstrap node outside
# that relays, a peer at home is reached through the relay and averages a round with a peer outside,
# and two peers at home, both relayed, average with each other. Prints each stage; exits 0 when
# all hold, 1 when one fails, 77 (saying why) where namespaces are not permitted or miniupnpd is
# missing (packaging/install-deps.sh installs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
peer=${BUILD_DIR:-$root/build}/tests/swarm_upnp_peer
sdtrain=${BUILD_DIR:-$root/build}/bin/sdtrain
for program in "$peer" "$sdtrain"; do [ -x "$program" ] || { echo "build $program first" >&2; exit 2; }; done
command -v miniupnpd > /dev/null || { echo "SKIP: miniupnpd is not installed (packaging/install-deps.sh installs it)"; exit 77; }
command -v nft > /dev/null || { echo "SKIP: nft is not installed (packaging/install-deps.sh installs it)"; exit 77; }

prefix="sdsu$$"
if ! ip netns add "$prefix-router" 2>/dev/null; then
  echo "SKIP: network namespaces are not permitted here (the check needs root or CAP_NET_ADMIN)"
  exit 77
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in router home outside; do ip netns del "$prefix-$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
inside() { local ns=$1; shift; ip netns exec "$prefix-$ns" "$@"; }
# In the background, $! being the program's own pid (ip netns exec execs it).
start() { local ns=$1; shift; ip netns exec "$prefix-$ns" "$@" & }

# The network: home — router — outside, each link a veth pair. The "internet" side needs an address
# outside the private and documentation ranges: miniupnpd reports itself not connected (and so of no
# use, as behind a carrier's NAT) on those. No route leads out of these namespaces.
ip netns add "$prefix-home"
ip netns add "$prefix-outside"
for ns in router home outside; do inside "$ns" ip link set lo up; done
inside router ip link add lan type veth peer name eth0 netns "$prefix-home"
inside router ip link add wan type veth peer name eth0 netns "$prefix-outside"
inside router ip addr add 192.168.77.1/24 dev lan
inside router ip addr add 11.77.0.1/24 dev wan
inside router ip link set lan up
inside router ip link set wan up
inside router sysctl -qw net.ipv4.ip_forward=1
inside home ip addr add 192.168.77.10/24 dev eth0
inside home ip link set eth0 up
inside home ip route add default via 192.168.77.1
inside outside ip addr add 11.77.0.20/24 dev eth0
inside outside ip link set eth0 up

# The router's firewall and NAT: home may go out, nothing comes in unless miniupnpd maps it (its
# chains, named as in its defaults, are jumped to from the hooks).
cat > "$work/router.nft" <<'NFT'
table inet filter {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "lan" oifname "wan" accept
    jump miniupnpd
  }
  chain miniupnpd {
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
    oifname "wan" masquerade
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
}
NFT
inside router nft -f "$work/router.nft"
cat > "$work/miniupnpd.conf" <<'CONF'
ext_ifname=wan
listening_ip=lan
port=0
enable_natpmp=no
enable_upnp=yes
secure_mode=yes
system_uptime=yes
uuid=5d8c7f2e-0b4a-4c55-9a0e-6f1d2c3b4a59
allow 1024-65535 192.168.77.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
start router miniupnpd -d -f "$work/miniupnpd.conf" -P "$work/miniupnpd.pid" > "$work/miniupnpd.log" 2>&1
miniupnpd_pid=$!
pids+=($miniupnpd_pid)
sleep 1
kill -0 "$miniupnpd_pid" 2>/dev/null || { cat "$work/miniupnpd.log"; fail "miniupnpd did not start"; }

# Whether the router forwards PORT now. The listing is read whole before it is searched: nft writes
# it in many small writes, and `nft … | grep -q` under pipefail fails when grep stops reading at
# the first match and nft dies of SIGPIPE.
router_maps() {
  local rules
  rules=$(inside router nft list chain inet filter prerouting_miniupnpd)
  grep -q "dport $1" <<< "$rules"
}
field() { grep "\"stage\":\"$1\"" "$2" | head -1 | grep -o "\"$3\":[^,}]*" | cut -d: -f2- | tr -d '"'; }

# 0. `sdtrain swarm reachability` (the join dialog's check): the router forwards the port, and the
# mapping is removed again.
inside home "$sdtrain" swarm reachability --port 4500 --json > "$work/check.json"
cat "$work/check.json"
grep -q '"upnp":true' "$work/check.json" || fail "sdtrain swarm reachability found no mapping"
grep -q '"external_address":"11.77.0.1:4500"' "$work/check.json" || fail "sdtrain swarm reachability names another address"
if router_maps 4500; then fail "the check left its mapping behind"; fi
echo "upnp: sdtrain swarm reachability saw port 4500 forwarded from 11.77.0.1 and removed the mapping"

# 1. The peer at home maps its port, the peer outside joins through the router's address.
start home "$peer" --port 4300 --upnp --value 1 > "$work/home.jsonl" 2> "$work/home.log"
home_pid=$!
pids+=($home_pid)
for _ in $(seq 100); do grep -q '"stage":"joined"' "$work/home.jsonl" 2>/dev/null && break; sleep 0.1; done
grep '"stage":"joined"' "$work/home.jsonl" || { cat "$work/home.log"; fail "the home peer did not join"; }
address=$(field joined "$work/home.jsonl" address)
[ "$address" = "11.77.0.1:4300" ] || fail "the home peer publishes $address, not the router's 11.77.0.1:4300"
router_maps 4300 || fail "the router holds no mapping of port 4300"
echo "upnp: the home peer mapped port 4300 (TCP and UDP) and publishes $address"

start outside "$peer" --port 4400 --public 11.77.0.20 --bootstrap 11.77.0.1:4300 --value 3 > "$work/outside.jsonl" 2> "$work/outside.log"
outside_pid=$!
pids+=($outside_pid)
wait "$outside_pid" || true
wait "$home_pid" || true
cat "$work/outside.jsonl" "$work/home.jsonl"
for side in home outside; do
  [ "$(field round "$work/$side.jsonl" outcome)" = averaged ] || { cat "$work/$side.log"; fail "the $side peer did not average"; }
  [ "$(field round "$work/$side.jsonl" value)" = 2.000 ] || fail "the $side peer ended with $(field round "$work/$side.jsonl" value), not the mean 2"
done
echo "upnp: the peer outside joined through the mapped port and the two averaged (mean 2.000 on both)"
sleep 0.5
if router_maps 4300; then fail "the mapping of port 4300 outlived the peer"; fi
echo "upnp: the mapping was removed when the home peer left"

# 1b. A router that speaks NAT-PMP instead of UPnP: the home peer maps its port that way, the peer
# outside joins through it, and the mapping is gone after the home peer leaves.
kill "$miniupnpd_pid" 2>/dev/null || true
wait "$miniupnpd_pid" 2>/dev/null || true
sed -e 's/^enable_natpmp=no/enable_natpmp=yes/' -e 's/^enable_upnp=yes/enable_upnp=no/' "$work/miniupnpd.conf" > "$work/natpmp.conf"
start router miniupnpd -d -f "$work/natpmp.conf" -P "$work/natpmp.pid" > "$work/natpmp.log" 2>&1
miniupnpd_pid=$!
pids+=($miniupnpd_pid)
sleep 1
kill -0 "$miniupnpd_pid" 2>/dev/null || { cat "$work/natpmp.log"; fail "miniupnpd (NAT-PMP) did not start"; }
start home "$peer" --port 4310 --upnp --value 1 > "$work/pmp-home.jsonl" 2> "$work/pmp-home.log"
pmp_home_pid=$!
pids+=($pmp_home_pid)
for _ in $(seq 150); do grep -q '"stage":"joined"' "$work/pmp-home.jsonl" 2>/dev/null && break; sleep 0.1; done
grep -q '"stage":"joined"' "$work/pmp-home.jsonl" || { cat "$work/pmp-home.log"; fail "the NAT-PMP home peer did not join"; }
address=$(field joined "$work/pmp-home.jsonl" address)
[ "$address" = "11.77.0.1:4310" ] || { cat "$work/pmp-home.jsonl"; fail "the NAT-PMP home peer publishes $address, not the router's 11.77.0.1:4310"; }
router_maps 4310 || fail "the router holds no NAT-PMP mapping of port 4310"
echo "upnp: NAT-PMP: the home peer mapped port 4310 and publishes $address: $(field joined "$work/pmp-home.jsonl" reachability)"
start outside "$peer" --port 4410 --public 11.77.0.20 --bootstrap 11.77.0.1:4310 --value 3 > "$work/pmp-outside.jsonl" 2> "$work/pmp-outside.log"
pmp_outside_pid=$!
pids+=($pmp_outside_pid)
wait "$pmp_outside_pid" || true
wait "$pmp_home_pid" || true
for side in pmp-home pmp-outside; do
  [ "$(field round "$work/$side.jsonl" outcome)" = averaged ] || { cat "$work/$side.jsonl" "$work/$side.log"; fail "the $side peer did not average"; }
  [ "$(field round "$work/$side.jsonl" value)" = 2.000 ] || fail "the $side peer ended with $(field round "$work/$side.jsonl" value), not the mean 2"
done
sleep 0.5
if router_maps 4310; then fail "the NAT-PMP mapping of port 4310 outlived the peer"; fi
echo "upnp: NAT-PMP: the two averaged through the mapped port (mean 2.000 on both), and the mapping went with the home peer"
# 2. No gateway: client mode, and quickly.
kill "$miniupnpd_pid" 2>/dev/null || true
wait "$miniupnpd_pid" 2>/dev/null || true
inside home "$peer" --port 4300 --upnp --wait-s 0 > "$work/lone.jsonl" 2> "$work/lone.log" || true
grep -q '"stage":"joined"' "$work/lone.jsonl" || { cat "$work/lone.log"; fail "the peer without a gateway did not start"; }
[ "$(field joined "$work/lone.jsonl" client_mode)" = true ] || fail "without a gateway the peer is not in client mode"
join_s=$(field joined "$work/lone.jsonl" join_s)
awk -v s="$join_s" 'BEGIN { exit !(s < 10) }' || fail "the fallback to client mode took $join_s s"
echo "upnp: without a gateway the peer took part in client mode after $join_s s: $(field joined "$work/lone.jsonl" reachability)"
inside home "$sdtrain" swarm reachability --port 4500 --json > "$work/check.json"
grep -q '"upnp":false' "$work/check.json" || fail "sdtrain swarm reachability claims a mapping without a router"
echo "upnp: sdtrain swarm reachability says so too: $(cat "$work/check.json")"
# 3. No gateway, but a bootstrap node outside that relays: the home peer is reached through the relay
# (not client mode), and the peer outside averages a round with it through the relay.
start outside "$sdtrain" swarm bootstrap --port 4222 > "$work/bootstrap.log" 2>&1
pids+=($!)
for _ in $(seq 100); do grep -q "relay on TCP port 4222" "$work/bootstrap.log" 2>/dev/null && break; sleep 0.1; done
grep -q "relay on TCP port 4222" "$work/bootstrap.log" || { cat "$work/bootstrap.log"; fail "the bootstrap node runs no relay"; }
start home "$peer" --port 4300 --upnp --bootstrap 11.77.0.20:4222 --value 1 > "$work/relayed.jsonl" 2> "$work/relayed.log"
relayed_pid=$!
pids+=($relayed_pid)
for _ in $(seq 150); do grep -q '"stage":"joined"' "$work/relayed.jsonl" 2>/dev/null && break; sleep 0.1; done
grep -q '"stage":"joined"' "$work/relayed.jsonl" || { cat "$work/relayed.log"; fail "the relayed peer did not join"; }
[ "$(field joined "$work/relayed.jsonl" client_mode)" = false ] || fail "with a relay the home peer is still in client mode"
address=$(field joined "$work/relayed.jsonl" address)
case "$address" in 11.77.0.20:*) ;; *) fail "the relayed peer publishes $address, not an address of the relay 11.77.0.20" ;; esac
echo "upnp: without a gateway the home peer is relayed at $address: $(field joined "$work/relayed.jsonl" reachability)"
start outside "$peer" --port 4400 --public 11.77.0.20 --bootstrap 11.77.0.20:4222 --value 3 > "$work/relay-outside.jsonl" 2> "$work/relay-outside.log"
relay_outside_pid=$!
pids+=($relay_outside_pid)
wait "$relay_outside_pid" || true
wait "$relayed_pid" || true
for side in relayed relay-outside; do
  [ "$(field round "$work/$side.jsonl" outcome)" = averaged ] || { cat "$work/$side.jsonl" "$work/$side.log"; fail "the $side peer did not average"; }
  [ "$(field round "$work/$side.jsonl" value)" = 2.000 ] || fail "the $side peer ended with $(field round "$work/$side.jsonl" value), not the mean 2"
done
grep -q "peers relayed: 1" "$work/bootstrap.log" || { cat "$work/bootstrap.log"; fail "the bootstrap node never relayed the home peer"; }
echo "upnp: the peer outside and the relayed home peer averaged a round through the relay (mean 2.000 on both)"
# 3b. Two peers at home, neither accepting connections: both relayed, they average with each other.
start home "$peer" --port 4320 --upnp --bootstrap 11.77.0.20:4222 --value 1 --run-key sdsrun-two-relayed-peers > "$work/relayed-a.jsonl" 2> "$work/relayed-a.log"
relayed_a=$!
pids+=($relayed_a)
start home "$peer" --port 4330 --upnp --bootstrap 11.77.0.20:4222 --value 3 --run-key sdsrun-two-relayed-peers > "$work/relayed-b.jsonl" 2> "$work/relayed-b.log"
relayed_b=$!
pids+=($relayed_b)
wait "$relayed_a" || true
wait "$relayed_b" || true
for side in relayed-a relayed-b; do
  case "$(field joined "$work/$side.jsonl" address)" in 11.77.0.20:*) ;; *) cat "$work/$side.jsonl" "$work/$side.log"; fail "the $side peer is not relayed" ;; esac
  [ "$(field round "$work/$side.jsonl" outcome)" = averaged ] || { cat "$work/$side.jsonl" "$work/$side.log"; fail "the $side peer did not average"; }
  [ "$(field round "$work/$side.jsonl" value)" = 2.000 ] || fail "the $side peer ended with $(field round "$work/$side.jsonl" value), not the mean 2"
done
echo "upnp: two home peers, both relayed, averaged a round with each other through the relay (mean 2.000 on both)"
echo "upnp: all checks passed"
