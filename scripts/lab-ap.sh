#!/usr/bin/env bash
# Lab Wi-Fi access point that sends a test phone's traffic through residency-guard.
#
#   phone ──Wi-Fi (WPA2, hostapd)──► this machine ──NAT──► uplink ──► internet
#                                       │
#                                       └─ TCP 80/443 (or all TCP) redirected to the guard's
#                                          transparent port; UDP/443 (QUIC) rejected so apps fall
#                                          back to TCP; IPv6 not offered at all.
#                                       └─ DNS (UDP/TCP 53, to any address) redirected to the guard's
#                                          DNS listener (DNS-PORT), which forwards what it lets through
#                                          to dnsmasq on 127.0.0.1:RESOLVER-PORT; the phone cannot
#                                          reach dnsmasq's DNS port directly.
#
# Usage: scripts/lab-ap.sh [options] up|down|status|dry-run|rules|rules-down
#   up          save current state, then bring up address, forwarding, firewall, hostapd, dnsmasq
#   down        stop what `up` started and put the saved state back
#   status      show what is running and the firewall rules in place
#   dry-run     print every command `up` would run (nothing is changed); `--dry-run CMD` for others
#   rules       apply only the firewall rules (redirect, QUIC reject, IPv6 drop, NAT) for --wifi/--uplink;
#               the network-namespace lab test uses this so it tests the very rules the AP uses
#   rules-down  remove only those rules
#
# Options (environment variable in brackets, then default):
#   --wifi IFACE, --in-iface IFACE  interface the phone is on             [RG_AP_WIFI]        wlan0
#   --uplink IFACE                  interface with the internet route      [RG_AP_UPLINK]      eth0
#   --ssid NAME                     network name (1-32 bytes)              [RG_AP_SSID]        residency-guard-lab
#   --passphrase TEXT               WPA2 passphrase (8-63 characters)      [RG_AP_PASSPHRASE]  (required for up)
#   --subnet CIDR                   phone network, prefix /16 to /28       [RG_AP_SUBNET]      10.66.0.0/24
#   --port PORT                     guard's transparent-mode port          [RG_AP_GUARD_PORT]  8080
#   --redirect web|all              TCP 80+443 only, or every TCP port     [RG_AP_REDIRECT]    web
#   --channel N                     2.4 GHz channel                        [RG_AP_CHANNEL]     6
#   --country CC                    regulatory country for hostapd         [RG_AP_COUNTRY]     (unset)
#   --dns IP                        upstream resolver for dnsmasq          [RG_AP_DNS]         (/etc/resolv.conf)
#   --dns-port PORT                 guard's DNS listener (reverse:dns)     [RG_AP_GUARD_DNS_PORT] 8053
#   --resolver-port PORT            dnsmasq's DNS port (loopback only)     [RG_AP_RESOLVER_PORT] 5335 (not 5353: mDNS)
#   --backend auto|nft|iptables     firewall tool                          [RG_AP_BACKEND]     auto (nft first)
#   --state-dir DIR                 saved state, configs, logs, pid files  [RG_AP_STATE_DIR]   /run/residency-guard-ap
#   --dry-run                       print commands instead of running them
#
# Why IPv6 is not offered rather than redirected: mitmproxy's transparent mode would need an IPv6 address
# plan, NAT66 and a second set of redirect rules, and any gap in them is an uninspected path out of the
# lab. A phone that gets no IPv6 address (no router advertisement, no DHCPv6, IPv6 disabled on the AP
# interface) uses IPv4 for everything, which the guard sees; forwarded IPv6 is dropped as a backstop.
set -euo pipefail

PROG=$(basename "$0")
RULE_TABLE=residency_guard          # nft table (family inet) holding every rule this script adds
IPT_CHAIN_PREFIX=RG_AP              # iptables chains: RG_AP_PRE, RG_AP_FWD, RG_AP_POST (and ip6tables RG_AP_FWD6)

WIFI=${RG_AP_WIFI:-wlan0}
UPLINK=${RG_AP_UPLINK:-eth0}
SSID=${RG_AP_SSID:-residency-guard-lab}
PASSPHRASE=${RG_AP_PASSPHRASE:-}
SUBNET=${RG_AP_SUBNET:-10.66.0.0/24}
GUARD_PORT=${RG_AP_GUARD_PORT:-8080}
REDIRECT=${RG_AP_REDIRECT:-web}
CHANNEL=${RG_AP_CHANNEL:-6}
COUNTRY=${RG_AP_COUNTRY:-}
UPSTREAM_DNS=${RG_AP_DNS:-}
GUARD_DNS_PORT=${RG_AP_GUARD_DNS_PORT:-8053}
RESOLVER_PORT=${RG_AP_RESOLVER_PORT:-5335}
BACKEND=${RG_AP_BACKEND:-auto}
STATE_DIR=${RG_AP_STATE_DIR:-/run/residency-guard-ap}
DRY_RUN=0
COMMAND=

die() { echo "$PROG: error: $*" >&2; exit 2; }
note() { echo "$PROG: $*" >&2; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

# ------------------------------------------------------------------------------------------ options

while (($#)); do
    case $1 in
        --wifi | --in-iface) WIFI=${2:?$1 needs a value}; shift 2 ;;
        --uplink) UPLINK=${2:?$1 needs a value}; shift 2 ;;
        --ssid) SSID=${2?$1 needs a value}; shift 2 ;;
        --passphrase) PASSPHRASE=${2?$1 needs a value}; shift 2 ;;
        --subnet) SUBNET=${2:?$1 needs a value}; shift 2 ;;
        --port) GUARD_PORT=${2:?$1 needs a value}; shift 2 ;;
        --redirect) REDIRECT=${2:?$1 needs a value}; shift 2 ;;
        --channel) CHANNEL=${2:?$1 needs a value}; shift 2 ;;
        --country) COUNTRY=${2?$1 needs a value}; shift 2 ;;
        --dns) UPSTREAM_DNS=${2?$1 needs a value}; shift 2 ;;
        --dns-port) GUARD_DNS_PORT=${2:?$1 needs a value}; shift 2 ;;
        --resolver-port) RESOLVER_PORT=${2:?$1 needs a value}; shift 2 ;;
        --backend) BACKEND=${2:?$1 needs a value}; shift 2 ;;
        --state-dir) STATE_DIR=${2:?$1 needs a value}; shift 2 ;;
        --dry-run) DRY_RUN=1; shift ;;
        -h | --help) usage; exit 0 ;;
        up | down | status | rules | rules-down)
            [[ -z $COMMAND ]] || die "one command at a time (got '$COMMAND' and '$1')"
            COMMAND=$1; shift ;;
        dry-run)
            [[ -z $COMMAND ]] || die "one command at a time (got '$COMMAND' and '$1')"
            COMMAND=up; DRY_RUN=1; shift ;;
        *) die "unknown argument '$1' (see $PROG --help)" ;;
    esac
done
[[ -n $COMMAND ]] || { usage >&2; exit 2; }

# ------------------------------------------------------------------------------------------ validation

valid_ifname() { [[ $1 =~ ^[A-Za-z0-9_.:@-]{1,15}$ ]]; }
valid_ifname "$WIFI" || die "--wifi '$WIFI' is not an interface name"
valid_ifname "$UPLINK" || die "--uplink '$UPLINK' is not an interface name"
[[ $WIFI != "$UPLINK" ]] || die "--wifi and --uplink must be different interfaces (both '$WIFI')"
if [[ ! $GUARD_PORT =~ ^[0-9]{1,5}$ ]] || ((GUARD_PORT < 1 || GUARD_PORT > 65535)); then
    die "--port '$GUARD_PORT' is not a TCP port"
fi
for port in "$GUARD_DNS_PORT" "$RESOLVER_PORT"; do
    if [[ ! $port =~ ^[0-9]{1,5}$ ]] || ((port < 1 || port > 65535 || port == 53)); then
        die "--dns-port/--resolver-port '$port' is not a port other than 53"
    fi
done
if ((GUARD_DNS_PORT == RESOLVER_PORT)); then
    die "--dns-port and --resolver-port must differ (the guard forwards to the resolver)"
fi
[[ $REDIRECT == web || $REDIRECT == all ]] || die "--redirect must be 'web' or 'all', not '$REDIRECT'"
[[ $CHANNEL =~ ^([1-9]|1[0-4])$ ]] || die "--channel must be a 2.4 GHz channel 1-14, not '$CHANNEL'"
[[ -z $COUNTRY || $COUNTRY =~ ^[A-Z]{2}$ ]] || die "--country must be two capital letters (e.g. NO), not '$COUNTRY'"
[[ -z $UPSTREAM_DNS || $UPSTREAM_DNS =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] \
    || die "--dns must be an IPv4 address, not '$UPSTREAM_DNS'"
case $BACKEND in auto | nft | iptables) ;; *) die "--backend must be auto, nft or iptables, not '$BACKEND'" ;; esac
[[ $STATE_DIR == /* ]] || die "--state-dir must be an absolute path"

ip_to_int() {
    local a b c d
    IFS=. read -r a b c d <<<"$1"
    for o in "$a" "$b" "$c" "$d"; do
        [[ $o =~ ^[0-9]{1,3}$ ]] && ((o <= 255)) || return 1
    done
    echo $(((a << 24) | (b << 16) | (c << 8) | d))
}
int_to_ip() { echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"; }

[[ $SUBNET =~ ^([0-9.]+)/([0-9]{1,2})$ ]] || die "--subnet '$SUBNET' is not IPv4 CIDR (e.g. 10.66.0.0/24)"
PREFIX=${BASH_REMATCH[2]}
((PREFIX >= 16 && PREFIX <= 28)) || die "--subnet prefix must be /16 to /28 (got /$PREFIX)"
NET_INT=$(ip_to_int "${BASH_REMATCH[1]}") || die "--subnet '$SUBNET' has an invalid address"
MASK_INT=$(((0xFFFFFFFF << (32 - PREFIX)) & 0xFFFFFFFF))
((NET_INT & ~MASK_INT & 0xFFFFFFFF)) && die "--subnet '$SUBNET' has host bits set (did you mean $(int_to_ip $((NET_INT & MASK_INT)))/$PREFIX?)"
BCAST_INT=$((NET_INT | (~MASK_INT & 0xFFFFFFFF)))
AP_ADDR=$(int_to_ip $((NET_INT + 1)))                 # the AP is the first host: gateway and DNS
NETMASK=$(int_to_ip "$MASK_INT")
DHCP_FIRST=$(int_to_ip $((NET_INT + (PREFIX <= 26 ? 10 : 2))))
DHCP_LAST=$(int_to_ip $((BCAST_INT - 1)))

if [[ $COMMAND == up ]]; then
    if [[ -z $PASSPHRASE ]]; then
        ((DRY_RUN)) || die "--passphrase (or RG_AP_PASSPHRASE) is required for 'up'"
        PASSPHRASE='change-me-lab-passphrase'
        note "no --passphrase given: the dry run shows a placeholder"
    fi
    ((${#PASSPHRASE} >= 8 && ${#PASSPHRASE} <= 63)) || die "--passphrase must be 8 to 63 characters"
    [[ $PASSPHRASE =~ ^[[:print:]]+$ ]] || die "--passphrase must be printable ASCII"
    [[ -n $SSID && $(printf %s "$SSID" | wc -c) -le 32 ]] || die "--ssid must be 1 to 32 bytes"
    [[ $SSID != *$'\n'* ]] || die "--ssid must be one line"
fi

if [[ $BACKEND == auto ]]; then
    if command -v nft >/dev/null 2>&1; then BACKEND=nft
    elif command -v iptables >/dev/null 2>&1; then BACKEND=iptables
    elif ((DRY_RUN)); then BACKEND=nft; note "neither nft nor iptables found: showing nft commands"
    else die "neither nft nor iptables is installed (apt-get install nftables)"
    fi
fi

# ------------------------------------------------------------------------------------------ execution

# Every change goes through run(): it prints the command (shell-quoted, ready to paste) in a dry run,
# and runs it otherwise.
run() {
    if ((DRY_RUN)); then
        local out=() a
        for a in "$@"; do out+=("$(printf '%q' "$a")"); done
        echo "${out[*]}"
    else
        "$@"
    fi
}

# write_file PATH MODE: content on stdin. A dry run prints a heredoc that writes the same bytes.
write_file() {
    local path=$1 mode=$2 content
    content=$(cat)
    if ((DRY_RUN)); then
        printf "install -m %s /dev/null %q\ncat > %q <<'RG_EOF'\n%s\nRG_EOF\n" "$mode" "$path" "$path" "$content"
    else
        install -m "$mode" /dev/null "$path"
        printf '%s\n' "$content" >"$path"
    fi
}

# run_sh LINE: for the few steps that need a redirection; LINE is built from validated, quoted values.
run_sh() {
    if ((DRY_RUN)); then echo "$1"; else bash -c "$1"; fi
}

comment() { if ((DRY_RUN)); then echo "# $*"; fi; }

need_root() {
    ((DRY_RUN)) && return 0
    ((EUID == 0)) || die "'$COMMAND' changes the network: run it as root (or use dry-run)"
}

need_tool() {
    ((DRY_RUN)) && return 0
    command -v "$1" >/dev/null 2>&1 || die "$1 is not installed (apt-get install $2)"
}

# ------------------------------------------------------------------------------------------ firewall

tcp_match() {
    # nft / iptables fragment selecting the TCP the guard must see
    if [[ $REDIRECT == web ]]; then
        [[ $1 == nft ]] && echo "tcp dport { 80, 443 }" || echo "-p tcp -m multiport --dports 80,443"
    else
        [[ $1 == nft ]] && echo "meta l4proto tcp" || echo "-p tcp"
    fi
}

nft_ruleset() {
    # One table owns everything, so removing it restores the previous ruleset exactly. The first two
    # lines make loading idempotent: a table left by an earlier run is replaced, not added to.
    cat <<EOF
table inet $RULE_TABLE
delete table inet $RULE_TABLE
table inet $RULE_TABLE {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		# The phone's DNS, whichever resolver it asks, goes to the guard's DNS listener (no root needed
		# for an unprivileged port).
		iifname "$WIFI" meta nfproto ipv4 meta l4proto { udp, tcp } th dport 53 redirect to :$GUARD_DNS_PORT
		# The phone's TCP goes to the guard; connections to this machine itself (DNS, the guard) do not.
		iifname "$WIFI" meta nfproto ipv4 fib daddr type != local $(tcp_match nft) redirect to :$GUARD_PORT
	}
	chain input {
		type filter hook input priority filter; policy accept;
		# The resolver behind the guard answers the guard only: a query sent straight to it is not inspected.
		iifname "$WIFI" meta l4proto { udp, tcp } th dport $RESOLVER_PORT drop
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		# QUIC would bypass the TCP-only transparent proxy: refuse it quickly so apps fall back to TCP.
		iifname "$WIFI" udp dport 443 reject with icmpx type port-unreachable
		# IPv6 is not offered on the lab network; anything that still tries is not let through uninspected.
		iifname "$WIFI" meta nfproto ipv6 drop
		oifname "$WIFI" meta nfproto ipv6 drop
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr $SUBNET oifname "$UPLINK" masquerade
	}
}
EOF
}

iptables_rules() {
    # $1 = -A (add) or -D (delete); prints one iptables / ip6tables argument list per line
    local op=$1 p=$IPT_CHAIN_PREFIX
    echo "iptables -t nat $op ${p}_PRE -i $WIFI -p udp --dport 53 -j REDIRECT --to-ports $GUARD_DNS_PORT"
    echo "iptables -t nat $op ${p}_PRE -i $WIFI -p tcp --dport 53 -j REDIRECT --to-ports $GUARD_DNS_PORT"
    echo "iptables -t filter $op ${p}_IN -i $WIFI -p udp --dport $RESOLVER_PORT -j DROP"
    echo "iptables -t filter $op ${p}_IN -i $WIFI -p tcp --dport $RESOLVER_PORT -j DROP"
    # shellcheck disable=SC2046
    echo "iptables -t nat $op ${p}_PRE -i $WIFI -m addrtype ! --dst-type LOCAL $(tcp_match iptables) -j REDIRECT --to-ports $GUARD_PORT"
    echo "iptables -t filter $op ${p}_FWD -i $WIFI -p udp --dport 443 -j REJECT --reject-with icmp-port-unreachable"
    echo "iptables -t nat $op ${p}_POST -s $SUBNET -o $UPLINK -j MASQUERADE"
    echo "ip6tables -t filter $op ${p}_FWD6 -i $WIFI -j DROP"
    echo "ip6tables -t filter $op ${p}_FWD6 -o $WIFI -j DROP"
}

ipt_chains() {
    # tool table builtin-chain our-chain
    local p=$IPT_CHAIN_PREFIX
    echo "iptables nat PREROUTING ${p}_PRE"
    echo "iptables filter FORWARD ${p}_FWD"
    echo "iptables filter INPUT ${p}_IN"
    echo "iptables nat POSTROUTING ${p}_POST"
    echo "ip6tables filter FORWARD ${p}_FWD6"
}

rules_up() {
    if [[ $BACKEND == nft ]]; then
        need_tool nft nftables
        comment "firewall: one nft table, inet $RULE_TABLE (replaced if a previous run left it)"
        nft_ruleset | write_file "$STATE_DIR/rules.nft" 0644
        run nft -f "$STATE_DIR/rules.nft"
    else
        need_tool iptables iptables
        comment "firewall: iptables chains ${IPT_CHAIN_PREFIX}_* hooked into the built-in chains"
        rules_down_iptables quiet
        local tool table builtin chain line
        while read -r tool table builtin chain; do
            run "$tool" -t "$table" -N "$chain"
            run "$tool" -t "$table" -I "$builtin" 1 -j "$chain"
        done < <(ipt_chains)
        while read -r line; do
            # shellcheck disable=SC2086  # each line is a list of words made above, none with spaces
            run $line
        done < <(iptables_rules -A)
    fi
}

rules_down_iptables() {
    local quiet=${1:-} tool table builtin chain
    while read -r tool table builtin chain; do
        if ((DRY_RUN)); then
            [[ -n $quiet ]] && continue
            run "$tool" -t "$table" -D "$builtin" -j "$chain"
            run "$tool" -t "$table" -F "$chain"
            run "$tool" -t "$table" -X "$chain"
        elif "$tool" -t "$table" -S "$chain" >/dev/null 2>&1; then
            while "$tool" -t "$table" -D "$builtin" -j "$chain" 2>/dev/null; do :; done
            "$tool" -t "$table" -F "$chain"
            "$tool" -t "$table" -X "$chain"
        fi
    done < <(ipt_chains)
}

rules_down() {
    if [[ $BACKEND == nft ]]; then
        if ((DRY_RUN)); then
            run nft delete table inet "$RULE_TABLE"
        elif nft list table inet "$RULE_TABLE" >/dev/null 2>&1; then
            nft delete table inet "$RULE_TABLE"
        fi
    else
        rules_down_iptables
    fi
}

# ------------------------------------------------------------------------------------------ up / down

hostapd_conf() {
    cat <<EOF
interface=$WIFI
driver=nl80211
ssid=$SSID
hw_mode=g
channel=$CHANNEL
ieee80211n=1
wmm_enabled=1
auth_algs=1
ignore_broadcast_ssid=0
wpa=2
wpa_key_mgmt=WPA-PSK
rsn_pairwise=CCMP
wpa_passphrase=$PASSPHRASE
EOF
    [[ -z $COUNTRY ]] || printf 'country_code=%s\nieee80211d=1\n' "$COUNTRY"
}

dnsmasq_conf() {
    # DHCP for the phone, and DNS for the guard on 127.0.0.1:RESOLVER_PORT (the phone's DNS server is
    # the AP address, port 53, redirected to the guard); no IPv6 (no enable-ra, no DHCPv6 range).
    cat <<EOF
interface=$WIFI
bind-interfaces
listen-address=127.0.0.1
port=$RESOLVER_PORT
dhcp-range=$DHCP_FIRST,$DHCP_LAST,$NETMASK,12h
dhcp-option=option:router,$AP_ADDR
dhcp-option=option:dns-server,$AP_ADDR
dhcp-authoritative
dhcp-leasefile=$STATE_DIR/dnsmasq.leases
log-queries
log-dhcp
log-facility=$STATE_DIR/dnsmasq.log
EOF
    if [[ -n $UPSTREAM_DNS ]]; then
        printf 'no-resolv\nserver=%s\n' "$UPSTREAM_DNS"
    fi
}

save_state() {
    comment "save what 'down' puts back"
    if ((!DRY_RUN)) && [[ -e $STATE_DIR/up ]]; then
        die "the lab AP already looks up (state in $STATE_DIR); run '$PROG down' first"
    fi
    local dir
    dir=$(printf %q "$STATE_DIR")
    run_sh "sysctl -n net.ipv4.ip_forward > $dir/ip_forward"
    run_sh "sysctl -n net.ipv6.conf.$WIFI.disable_ipv6 > $dir/disable_ipv6"
    if [[ $BACKEND == nft ]]; then
        run_sh "nft list ruleset > $dir/ruleset-before.nft"
    else
        run_sh "iptables-save > $dir/iptables-before.rules"
    fi
    if ((DRY_RUN)) || { command -v nmcli >/dev/null 2>&1 && nmcli -t general status >/dev/null 2>&1; }; then
        comment "only when NetworkManager runs:"
        run_sh "nmcli -g GENERAL.NM-MANAGED device show $WIFI > $dir/nm-managed"
    fi
}

cmd_up() {
    need_root
    need_tool hostapd hostapd
    need_tool dnsmasq dnsmasq
    if ((!DRY_RUN)); then
        ip link show dev "$WIFI" >/dev/null 2>&1 || die "no interface '$WIFI' (ip link lists them; Wi-Fi is usually wlan0 or wlp…)"
        ip link show dev "$UPLINK" >/dev/null 2>&1 || die "no interface '$UPLINK'"
    fi
    run install -d -m 0700 "$STATE_DIR"
    save_state

    if ((DRY_RUN)) || [[ -s $STATE_DIR/nm-managed && $(cat "$STATE_DIR/nm-managed") == yes ]]; then
        comment "NetworkManager must let go of the Wi-Fi interface (only if it manages it)"
        run nmcli device set "$WIFI" managed no
    fi

    comment "the phone network: AP address on the Wi-Fi interface, no IPv6 there"
    run sysctl -q -w "net.ipv6.conf.$WIFI.disable_ipv6=1"
    run ip link set dev "$WIFI" up
    run ip addr replace "$AP_ADDR/$PREFIX" dev "$WIFI"

    comment "route the phone's traffic"
    run sysctl -q -w net.ipv4.ip_forward=1
    rules_up

    comment "Wi-Fi access point (WPA2-PSK)"
    hostapd_conf | write_file "$STATE_DIR/hostapd.conf" 0600
    run hostapd -B -P "$STATE_DIR/hostapd.pid" -f "$STATE_DIR/hostapd.log" "$STATE_DIR/hostapd.conf"

    comment "DHCP and DNS for the phone"
    dnsmasq_conf | write_file "$STATE_DIR/dnsmasq.conf" 0644
    run dnsmasq --conf-file="$STATE_DIR/dnsmasq.conf" --pid-file="$STATE_DIR/dnsmasq.pid"

    run touch "$STATE_DIR/up"
    if ((!DRY_RUN)); then
        cat <<EOF
Lab AP up: SSID '$SSID' on $WIFI ($AP_ADDR/$PREFIX), NAT via $UPLINK, $BACKEND rules.
The phone's $([[ $REDIRECT == web ]] && echo "TCP 80/443" || echo "TCP") goes to port $GUARD_PORT and its DNS to port $GUARD_DNS_PORT: start the guard with
  residency-guard run --mode transparent --mode reverse:dns://127.0.0.1:$RESOLVER_PORT@$GUARD_DNS_PORT --listen-host $AP_ADDR --listen-port $GUARD_PORT
Logs: $STATE_DIR/hostapd.log, $STATE_DIR/dnsmasq.log. Stop with: $PROG down
EOF
    fi
}

stop_pidfile() {
    local name=$1 pidfile=$STATE_DIR/$1.pid pid
    if ((DRY_RUN)); then
        run_sh "kill \$(cat $(printf %q "$pidfile"))"
        return
    fi
    [[ -s $pidfile ]] || return 0
    pid=$(cat "$pidfile")
    # Only the process we started: the pid file's pid, and only while it still runs that program.
    if [[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]; then
        kill "$pid"
    fi
    rm -f "$pidfile"
}

cmd_down() {
    need_root
    [[ -d $STATE_DIR ]] || ((DRY_RUN)) || die "no saved state in $STATE_DIR: nothing to take down"
    stop_pidfile dnsmasq
    stop_pidfile hostapd
    rules_down
    run ip addr del "$AP_ADDR/$PREFIX" dev "$WIFI"
    local dir
    dir=$(printf %q "$STATE_DIR")
    if ((DRY_RUN)) || [[ -s $STATE_DIR/ip_forward ]]; then
        run_sh "sysctl -q -w net.ipv4.ip_forward=\$(cat $dir/ip_forward)"
    fi
    if ((DRY_RUN)) || [[ -s $STATE_DIR/disable_ipv6 ]]; then
        run_sh "sysctl -q -w net.ipv6.conf.$WIFI.disable_ipv6=\$(cat $dir/disable_ipv6)"
    fi
    if ((DRY_RUN)) || [[ -s $STATE_DIR/nm-managed && $(cat "$STATE_DIR/nm-managed") == yes ]]; then
        comment "only if NetworkManager managed it before:"
        run nmcli device set "$WIFI" managed yes
    fi
    if ((DRY_RUN)); then
        run rm -f "$STATE_DIR/up"
        return
    fi
    # Our rules lived in their own table/chains, so the ruleset should now equal the saved one; say so
    # if something else changed it meanwhile rather than overwriting another tool's rules.
    if [[ $BACKEND == nft && -f $STATE_DIR/ruleset-before.nft ]]; then
        if ! diff -q <(nft list ruleset) "$STATE_DIR/ruleset-before.nft" >/dev/null; then
            note "the nft ruleset differs from the one saved at 'up' (another tool changed it?);" \
                "the saved copy is $STATE_DIR/ruleset-before.nft (restore: nft flush ruleset && nft -f FILE)"
        fi
    fi
    rm -f "$STATE_DIR/up"
    echo "Lab AP down; saved state and logs kept in $STATE_DIR."
}

cmd_status() {
    echo "interface $WIFI:"; ip -brief addr show dev "$WIFI" 2>/dev/null || echo "  (absent)"
    echo "ip_forward: $(sysctl -n net.ipv4.ip_forward)"
    local name pid
    for name in hostapd dnsmasq; do
        pid=$(cat "$STATE_DIR/$name.pid" 2>/dev/null || true)
        if [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]; then
            echo "$name: running (pid $pid)"
        else
            echo "$name: not running"
        fi
    done
    if [[ $BACKEND == nft ]]; then
        nft list table inet "$RULE_TABLE" 2>/dev/null || echo "nft table inet $RULE_TABLE: absent"
    else
        local tool table builtin chain
        while read -r tool table builtin chain; do
            "$tool" -t "$table" -S "$chain" 2>/dev/null || echo "$tool $table $chain: absent"
        done < <(ipt_chains)
    fi
    [[ -f $STATE_DIR/dnsmasq.leases ]] && { echo "DHCP leases:"; cat "$STATE_DIR/dnsmasq.leases"; }
    return 0
}

case $COMMAND in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    rules)
        need_root
        if ((!DRY_RUN)); then install -d -m 0700 "$STATE_DIR"; fi
        rules_up ;;
    rules-down) need_root; rules_down ;;
esac
