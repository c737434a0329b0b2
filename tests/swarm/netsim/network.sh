# The simulated internet's network, sourced by run.sh (averaging peers) and train.sh (training
# peers): a hub namespace with a bridge, and a namespace per node whose link is shaped both ways
# with netem (delay, jitter, loss, rate) or, on kernels without sch_netem, a token bucket (rate only).
# Needs $loss set; exits 77, saying so, where namespaces are not permitted. Defines: prefix, hub,
# work, pids (killed on exit), netem, draw, node, shape.

prefix="sdsn$$"
hub="$prefix-hub"
if ! ip netns add "$hub" 2>/dev/null; then
  echo "SKIP: network namespaces are not permitted here (the simulation needs root or CAP_NET_ADMIN)"
  exit 77
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in $(ip netns list | awk '{print $1}' | grep "^$prefix-" || true); do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ip netns exec "$hub" ip link set lo up
ip netns exec "$hub" ip link add br0 type bridge
ip netns exec "$hub" ip link set br0 up
# Does this kernel have netem (delay, jitter, loss)? Some (minimal VM kernels) do not.
netem=1
ip netns exec "$hub" ip link add probe0 type veth peer name probe1
if ! ip netns exec "$hub" tc qdisc add dev probe0 root netem delay 1ms 2>/dev/null; then
  netem=0
  echo "netsim: this kernel has no netem qdisc (sch_netem): delay, jitter and loss are NOT applied, only the rates (tbf)"
fi
ip netns exec "$hub" ip link del probe0

draw() {  # draw MIN-MAX SEED: a deterministic number in the range
  local lo=${1%-*} hi=${1#*-}
  echo $(( lo + ($2 * 7919 + 13) % (hi - lo + 1) ))
}

# node NAME INDEX RTT_MS MBIT: a namespace at 10.77.0.INDEX on the bridge, its link shaped both ways.
node() {
  local ns="$prefix-$1" ip="10.77.0.$2" delay=$(( $3 / 4 )) rate=$4
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip link add v0 type veth peer name "h$2" netns "$hub"
  ip netns exec "$hub" ip link set "h$2" master br0 up
  ip netns exec "$ns" ip addr add "$ip/24" dev v0
  ip netns exec "$ns" ip link set v0 up
  shape "$ns" v0 "$delay" "$rate"
  shape "$hub" "h$2" "$delay" "$rate"
}

# shape NAMESPACE DEVICE DELAY_MS MBIT: netem where the kernel has it; otherwise (sch_netem missing)
# only the rate, with a token bucket.
shape() {
  local jitter=$(( $3 / 10 + 1 ))
  if [ "$netem" = 1 ]; then
    ip netns exec "$1" tc qdisc add dev "$2" root netem delay "${3}ms" "${jitter}ms" loss "$loss%" rate "${4}mbit" limit 20000
  else
    ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "${4}mbit" burst 128kb latency 400ms
  fi
}

