#!/usr/bin/env bash
# Regenerates rpmdb.sqlite, the RPM database fixture of RpmDatabaseTests: three packages built with rpmbuild and
# installed with rpm (4.16 or later, sqlite backend) into a scratch root. diag-demo-docs has 200 files, so that its
# header needs overflow pages and the table more than one leaf. The tests write the same file contents under their
# own root, so keep the printf lines below and RpmDatabaseTests.FixtureFiles in step.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/SPECS" "$work/root"
spec() { # name version release body
  cat > "$work/SPECS/$1.spec" <<SPEC
Name: $1
Version: $2
Release: $3
Summary: Diag test fixture
License: MIT
BuildArch: x86_64
%description
Fixture for Diag's RPM database reader.
%install
$4
SPEC
}
spec diag-demo 1.2 3 '
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/diag-demo
printf "diag-demo binary\n" > %{buildroot}/usr/bin/diag-demo
printf "setting=1\n" > %{buildroot}/etc/diag-demo/demo.conf
ln -s diag-demo %{buildroot}/usr/bin/diag-demo-link
%files
%attr(0755,root,root) /usr/bin/diag-demo
/usr/bin/diag-demo-link
%config(noreplace) %attr(0640,root,root) /etc/diag-demo/demo.conf
%dir /etc/diag-demo'
spec diag-demo-docs 1.2 3 '
mkdir -p %{buildroot}/usr/share/doc/diag-demo-docs
for i in $(seq 1 200); do printf "page $i\n" > %{buildroot}/usr/share/doc/diag-demo-docs/page-$i.txt; done
%files
/usr/share/doc/diag-demo-docs'
spec diag-demo-extra 0.9 1 '
mkdir -p %{buildroot}/usr/sbin
printf "extra\n" > %{buildroot}/usr/sbin/diag-demo-extra
%files
%attr(4755,root,root) /usr/sbin/diag-demo-extra'
for s in "$work"/SPECS/*.spec; do rpmbuild --quiet --define "_topdir $work" -bb "$s"; done
opts=(--root "$work/root" --define '_db_backend sqlite' --define '_dbpath /var/lib/rpm')
rpm "${opts[@]}" --initdb
rpm "${opts[@]}" -i --nodeps --noscripts "$work"/RPMS/x86_64/*.rpm 2>/dev/null
cp "$work/root/var/lib/rpm/rpmdb.sqlite" "$here/rpmdb.sqlite"
rpm "${opts[@]}" -qa --qf '%{NAME} %{VERSION}-%{RELEASE} %{ARCH}\n' | sort
