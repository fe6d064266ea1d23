#!/usr/bin/env bash
# Install the guard's CA certificate (mitmproxy's) on an Android test phone over adb.
#
# Usage: scripts/install-ca.sh [options] [user|system]
#   user     (default) put the certificate in the user CA store. Android 11+ no longer lets an app or adb
#            install a CA: the certificate is pushed to /sdcard/Download and Settings is opened; finish on
#            the phone: Settings › Security › Encryption & credentials › Install a certificate › CA
#            certificate, and pick mitmproxy-ca-cert.crt. Before Android 11 the install dialog opens directly.
#   system   put it in the system store (rooted or userdebug/eng builds only: needs `adb root`).
#            Android 7-13: remount /system and add /system/etc/security/cacerts/<subject_hash_old>.0
#            (the first time, `adb disable-verity` and a reboot may be needed before remount works).
#            Android 14+: system CAs come from the read-only Conscrypt APEX
#            (/apex/com.android.conscrypt/cacerts); the script overlays that directory with a tmpfs holding
#            the existing CAs plus ours and bind-mounts it into zygote and running apps. Lasts until reboot:
#            run it again after every reboot.
#
# Options:
#   --confdir DIR   mitmproxy confdir holding mitmproxy-ca-cert.pem      (default ~/.mitmproxy)
#   --cert FILE     a CA certificate file to use instead (PEM)
#   -s SERIAL       adb device serial when several are attached          (default: $ANDROID_SERIAL)
#   --sdk N         Android API level, instead of asking the phone (useful with --dry-run; 30 = Android 11)
#   --dry-run       print the commands, touch nothing (no phone needed)
#
# What to expect, Android 7 (API 24) and later: apps trust user-store CAs only if their
# network_security_config says so (debug builds of your own app, browsers such as Chrome do). Other apps
# fail the TLS handshake against the guard: the guard still records the destination IP, its country and
# the SNI (a "payload not inspected" event), and a policy that refuses the destination outright still
# stops the connection. Apps that pin certificates fail even with a system-store CA.
set -euo pipefail

PROG=$(basename "$0")
CONFDIR=${MITMPROXY_CONFDIR:-$HOME/.mitmproxy}
CERT=
SERIAL=${ANDROID_SERIAL:-}
SDK=
DRY_RUN=0
STORE=user
DEVICE_NAME=mitmproxy-ca-cert.crt
DOWNLOAD_DIR=/sdcard/Download
SYSTEM_CACERTS=/system/etc/security/cacerts
APEX_CACERTS=/apex/com.android.conscrypt/cacerts

die() { echo "$PROG: error: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

while (($#)); do
    case $1 in
        --confdir) CONFDIR=${2:?$1 needs a value}; shift 2 ;;
        --cert) CERT=${2:?$1 needs a value}; shift 2 ;;
        -s | --serial) SERIAL=${2:?$1 needs a value}; shift 2 ;;
        --sdk) SDK=${2:?$1 needs a value}; shift 2 ;;
        --dry-run) DRY_RUN=1; shift ;;
        -h | --help) usage; exit 0 ;;
        user | system) STORE=$1; shift ;;
        *) die "unknown argument '$1' (see $PROG --help)" ;;
    esac
done

CERT=${CERT:-$CONFDIR/mitmproxy-ca-cert.pem}
if [[ ! -f $CERT && -f $CONFDIR/mitmproxy-ca-cert.cer && $CERT == "$CONFDIR/mitmproxy-ca-cert.pem" ]]; then
    CERT=$CONFDIR/mitmproxy-ca-cert.cer
fi
[[ -f $CERT ]] || die "no CA certificate at $CERT: start the guard once (it creates the CA in its confdir) or pass --confdir / --cert"
[[ -z $SDK || $SDK =~ ^[0-9]{1,3}$ ]] || die "--sdk must be an API level number (e.g. 34), not '$SDK'"
command -v openssl >/dev/null 2>&1 || die "openssl is needed to read the certificate (apt-get install openssl)"
openssl x509 -in "$CERT" -noout 2>/dev/null || die "$CERT is not a PEM certificate"
# shellcheck disable=SC2312
[[ $(openssl x509 -in "$CERT" -noout -ext basicConstraints 2>/dev/null) == *"CA:TRUE"* ]] \
    || die "$CERT is not a CA certificate (basicConstraints CA:TRUE missing)"

# Android names system-store files after OpenSSL's pre-1.0 subject hash.
HASH=$(openssl x509 -in "$CERT" -noout -subject_hash_old)
FINGERPRINT=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | cut -d= -f2)

ADB=(adb)
[[ -z $SERIAL ]] || ADB=(adb -s "$SERIAL")

run() {
    if ((DRY_RUN)); then
        local out=() a
        for a in "$@"; do out+=("$(printf '%q' "$a")"); done
        echo "${out[*]}"
    else
        "$@"
    fi
}
comment() { if ((DRY_RUN)); then echo "# $*"; fi; }

if ((!DRY_RUN)); then
    command -v adb >/dev/null 2>&1 || die "adb is not installed (apt-get install adb), or use --dry-run"
    state=$("${ADB[@]}" get-state 2>/dev/null || true)
    [[ $state == device ]] || die "no phone ready over adb (state: ${state:-none}); enable USB debugging and accept the prompt"
fi
if [[ -z $SDK ]]; then
    if ((DRY_RUN)); then
        SDK=34
        comment "API level not given (--sdk): showing the commands for Android 14 (API 34)"
    else
        SDK=$("${ADB[@]}" shell getprop ro.build.version.sdk | tr -d '\r')
        [[ $SDK =~ ^[0-9]+$ ]] || die "could not read the phone's API level (got '$SDK')"
    fi
fi

comment "certificate $CERT: subject hash $HASH, SHA-256 $FINGERPRINT"

# A dry run creates nothing, not even a temporary directory.
staging_dir() { if ((DRY_RUN)); then echo /tmp/residency-guard-ca; else mktemp -d; fi; }
cleanup_staging() { if ((!DRY_RUN)); then rm -rf "$1"; fi; }

install_user() {
    run "${ADB[@]}" push "$CERT" "$DOWNLOAD_DIR/$DEVICE_NAME"
    if ((SDK >= 30)); then
        comment "Android 11+: CA certificates can only be installed by hand from storage"
        run "${ADB[@]}" shell am start -a android.settings.SECURITY_SETTINGS
        cat <<EOF
On the phone: Settings › Security (› More security settings) › Encryption & credentials ›
Install a certificate › CA certificate › "Install anyway" › Download › $DEVICE_NAME
Then check it under Trusted credentials › User (SHA-256 $FINGERPRINT).
EOF
    else
        run "${ADB[@]}" shell am start -a android.credentials.INSTALL -t application/x-x509-ca-cert \
            -d "file://$DOWNLOAD_DIR/$DEVICE_NAME"
        echo "On the phone: name the certificate (e.g. residency-guard) and confirm; a screen lock is required."
    fi
    echo "Apps trust user CAs only if their network_security_config allows it (Android 7+); see docs/plug-in-a-phone.md."
}

install_system_legacy() {
    local staged
    staged=$(staging_dir)
    if ((DRY_RUN)); then run mkdir -p "$staged"; fi
    # Android's own files are the PEM followed by the certificate text; the PEM alone is enough.
    run openssl x509 -in "$CERT" -out "$staged/$HASH.0"
    run "${ADB[@]}" root
    run "${ADB[@]}" wait-for-device
    comment "if remount fails: adb disable-verity && adb reboot, then run this script again"
    run "${ADB[@]}" remount
    run "${ADB[@]}" push "$staged/$HASH.0" "$SYSTEM_CACERTS/$HASH.0"
    run "${ADB[@]}" shell chmod 644 "$SYSTEM_CACERTS/$HASH.0"
    run "${ADB[@]}" shell chcon u:object_r:system_file:s0 "$SYSTEM_CACERTS/$HASH.0"
    run "${ADB[@]}" reboot
    cleanup_staging "$staged"
    echo "After the reboot: Settings › Security › Trusted credentials › System lists 'mitmproxy'."
}

# Runs on the phone as root (Android 14+). The APEX directory is read-only and per mount namespace, so it
# is overlaid in init's namespace and then bind-mounted into zygote's and every running app's.
apex_overlay_script() {
    cat <<EOF
set -e
staging=/data/local/tmp/residency-guard-cacerts
rm -rf \$staging && mkdir -p \$staging
cp $APEX_CACERTS/* \$staging/
cp /data/local/tmp/$HASH.0 \$staging/$HASH.0
mount -t tmpfs tmpfs $SYSTEM_CACERTS
cp \$staging/* $SYSTEM_CACERTS/
chown root:root $SYSTEM_CACERTS/*
chmod 644 $SYSTEM_CACERTS/*
chcon u:object_r:system_file:s0 $SYSTEM_CACERTS/*
for zygote in \$(pidof zygote zygote64); do
    nsenter --mount=/proc/\$zygote/ns/mnt -- mount --bind $SYSTEM_CACERTS $APEX_CACERTS
    for app in \$(ps -o PID -P \$zygote | grep -v PID); do
        nsenter --mount=/proc/\$app/ns/mnt -- mount --bind $SYSTEM_CACERTS $APEX_CACERTS 2>/dev/null || true
    done
done
mount --bind $SYSTEM_CACERTS $APEX_CACERTS
rm -rf \$staging
echo "CA $HASH.0 added to $APEX_CACERTS until the next reboot"
EOF
}

install_system_apex() {
    local staged
    staged=$(staging_dir)
    if ((DRY_RUN)); then run mkdir -p "$staged"; fi
    run openssl x509 -in "$CERT" -out "$staged/$HASH.0"
    run "${ADB[@]}" root
    run "${ADB[@]}" wait-for-device
    run "${ADB[@]}" push "$staged/$HASH.0" "/data/local/tmp/$HASH.0"
    comment "Android 14+: overlay the Conscrypt APEX CA directory (until reboot), as root on the phone:"
    if ((DRY_RUN)); then
        printf "%sshell sh -s <<'RG_EOF'\n%s\nRG_EOF\n" "$(printf '%q ' "${ADB[@]}")" "$(apex_overlay_script)"
    else
        apex_overlay_script | "${ADB[@]}" shell sh -s
    fi
    run "${ADB[@]}" shell rm -f "/data/local/tmp/$HASH.0"
    cleanup_staging "$staged"
    echo "Apps started from now on, and the ones running, use the system store with the guard's CA; repeat after a reboot."
}

case $STORE in
    user) install_user ;;
    system)
        if ((SDK >= 34)); then install_system_apex; else install_system_legacy; fi ;;
esac
