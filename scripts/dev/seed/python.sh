# shellcheck shell=bash
# Python images: Debian's Python 3.11.

# seed_python builds Debian bookworm plus Debian's python3 (3.11),
# python3-pip and python3-venv, with `python` and `pip` as in the official
# images. EXTERNALLY-MANAGED goes, so that `pip install` installs into the
# image's Python, as it does in the official images. The slim variant
# starts from debian:bookworm-slim, the other from debian:bookworm.
seed_python() {
	local dir="$SEED/python" started=$SECONDS
	mkdir -p "$dir"
	cat >"$dir/Dockerfile" <<-EOF
		ARG BASE
		FROM \$BASE
		ENV LANG=C.UTF-8
		RUN apt-get update -q \\
		 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \\
		      python3 python3-pip python3-venv \\
		 && rm -rf /var/lib/apt/lists/* \\
		 && version="\$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \\
		 && if [ "\$version" != 3.11 ]; then echo "Debian's python3 is \$version, not 3.11" >&2; exit 1; fi \\
		 && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED \\
		 && ln -s /usr/bin/python3 /usr/local/bin/python \\
		 && if ! command -v pip >/dev/null; then ln -s /usr/bin/pip3 /usr/local/bin/pip; fi
		LABEL org.opencontainers.image.description="Debian $DEBIAN_SUITE with Debian's Python 3.11, pip and venv"
		CMD ["python3"]
	EOF
	log "seeding $REPO/python:3.11-slim-$DEBIAN_SUITE and python:3.11-$DEBIAN_SUITE from Debian's python3"
	buildctl_build "$dir" --opt build-arg:BASE="$REPO/debian:$DEBIAN_SUITE-slim" \
		--output "$(push_to "$REPO/python:3.11-slim-$DEBIAN_SUITE")"
	buildctl_build "$dir" --opt build-arg:BASE="$REPO/debian:$DEBIAN_SUITE" \
		--output "$(push_to "$REPO/python:3.11-$DEBIAN_SUITE" "$REPO/python:3.11" "$REPO/python:3")"
	report_seeded "$started" "python:3.11-slim-$DEBIAN_SUITE" "python:3.11-$DEBIAN_SUITE"
}

verify_python() {
	local dir="$VERIFY/python"
	log "checking FROM python:3.11-slim-$DEBIAN_SUITE, python:3.11-$DEBIAN_SUITE, python:3.11 and python:3, and pip install of a local wheel"
	mkdir -p "$dir/hello/hello"
	printf 'def greet():\n    return "hi"\n' >"$dir/hello/hello/__init__.py"
	cat >"$dir/hello/pyproject.toml" <<-'EOF'
		[build-system]
		requires = ["setuptools"]
		build-backend = "setuptools.build_meta"

		[project]
		name = "hello"
		version = "0.1"
	EOF
	# PyPI cannot be reached: the wheel is built from a local directory and
	# installed from a local folder.
	cat >"$dir/Dockerfile" <<-EOF
		FROM python:3.11-slim-$DEBIAN_SUITE AS slim
		RUN python --version | grep -q '^Python 3\.11\.' && pip --version | grep -q 'python 3\.11' \\
		 && test ! -e /usr/lib/python3.11/EXTERNALLY-MANAGED
		COPY hello /src/hello
		RUN pip wheel --no-deps --no-build-isolation --no-index -w /tmp/wheels /src/hello \\
		 && pip install --no-index --find-links /tmp/wheels hello \\
		 && python -c 'import hello; assert hello.greet() == "hi"' \\
		 && python -m venv /tmp/venv && /tmp/venv/bin/pip --version \\
		 && /tmp/venv/bin/pip install --no-index --find-links /tmp/wheels hello \\
		 && echo python:3.11-slim-$DEBIAN_SUITE ok >/ok

		FROM python:3.11-$DEBIAN_SUITE AS full
		RUN python --version | grep -q '^Python 3\.11\.' && pip --version && echo python:3.11-$DEBIAN_SUITE ok >/ok

		FROM python:3.11 AS minor
		RUN python --version | grep -q '^Python 3\.11\.' && echo python:3.11 ok >/ok

		FROM python:3 AS major
		RUN python --version | grep -q '^Python 3\.' && echo python:3 ok >/ok

		FROM busybox
		COPY --from=slim /ok /slim
		COPY --from=full /ok /full
		COPY --from=minor /ok /minor
		COPY --from=major /ok /major
		RUN cat /slim /full /minor /major
	EOF
	check_build python "python:3.11-slim-$DEBIAN_SUITE" "python:3.11-$DEBIAN_SUITE"
}
