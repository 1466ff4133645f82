/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference challenge: the customer's first half of binding a node's vTPM AK
 * (ak-binding.h). From the node's evidence document it checks that the EK certificate
 * chains to the pinned CA and that the AK has the attributes of an attestation key,
 * then runs TPM2_MakeCredential in software for that EK and the AK's Name with a fresh
 * random secret. It writes
 *   -o CHALLENGE      the private record (mode 0600: the secret stays here), which
 *                     `verify --challenge` reads;
 *   --request FILE    the one line to send to the node's evidence endpoint:
 *                     "activate <hex of TPM2B_ID_OBJECT || TPM2B_ENCRYPTED_SECRET>".
 * The node answers with the secret as a hex line only if its TPM holds the EK and the
 * AK; `verify --activation ANSWER` compares. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ak-binding.h"
#include "challenge-record.h"
#include "commands.h"
#include "options.h"
#include "evidence.h"
#include "evidence/tpm_credential.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json.h"

#define EVIDENCE_DOC_MAX (8u * 1024 * 1024)

static const char usage_text[] =
	"usage: cvm-reference challenge --evidence EVIDENCE.json --ek-ca CA.pem -o CHALLENGE --request REQUEST\n"
	"         [--at TIME]\n";

static int write_request(const char *path, const struct tpm_credential *c)
{
	char hex[2 * (TPM_ID_OBJECT_MAX + TPM_ENCRYPTED_SECRET_MAX) + 1];
	FILE *f = fopen(path, "w");
	int r = 0;

	if (!f)
		return -errno;
	hex_encode(c->id_object, c->id_object_len, hex);
	hex_encode(c->enc_secret, c->enc_secret_len, hex + 2 * c->id_object_len);
	if (fprintf(f, "activate %s\n", hex) < 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	return r;
}

static int load_tpm_evidence(const char *path, struct json_value **ret)
{
	uint8_t *text = NULL;
	size_t len;
	int r = file_read_all(path, EVIDENCE_DOC_MAX, &text, &len);

	if (r == 0 && json_parse((const char *)text, len, ret, NULL) < 0)
		r = -EBADMSG;
	free(text);
	if (r == 0 && json_type(json_get(*ret, "tpm")) != JSON_OBJECT) {
		json_free(*ret);
		*ret = NULL;
		r = -ENOENT;
	}
	return r;
}

/* The challenge for an evidence document whose AK and EK passed their checks. */
static int make_challenge(const struct evidence_ak *ak, X509 *ek, const uint8_t ek_sha[32], const char *record,
			  const char *request)
{
	struct challenge_record rec = { .ak_name_len = ak->name_len, .secret_len = 32 };
	struct tpm_credential cred;
	int r;

	memcpy(rec.ak_name, ak->name, ak->name_len);
	memcpy(rec.ek_sha256, ek_sha, 32);
	if (RAND_bytes(rec.secret, (int)rec.secret_len) != 1)
		return complain(EXIT_SYSTEM, "no random bytes");
	r = tpm_make_credential(X509_get0_pubkey(ek), rec.secret, rec.secret_len, ak->name, ak->name_len, &cred);
	if (r == -EOPNOTSUPP) {
		r = complain(EXIT_FAIL, "the EK is neither RSA 2048 nor ECC P-256 (TCG EK templates L-1, L-2)");
		goto out;
	}
	if (r < 0) {
		r = complain(EXIT_SYSTEM, "MakeCredential: %s", strerror(-r));
		goto out;
	}
	r = challenge_record_write(record, &rec);
	if (r < 0) {
		r = complain(EXIT_SYSTEM, "%s: %s", record, strerror(-r));
		goto out;
	}
	r = write_request(request, &cred);
	if (r < 0) {
		r = complain(EXIT_SYSTEM, "%s: %s", request, strerror(-r));
		goto out;
	}
	r = EXIT_OK;
out:
	OPENSSL_cleanse(&rec, sizeof(rec));
	return r;
}

int cmd_challenge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "evidence", required_argument, NULL, 'E' },
		{ "ek-ca", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "request", required_argument, NULL, 'q' },
		{ "at", required_argument, NULL, 'a' },
		OPTIONS_END,
	};
	const char *ev_path = NULL, *ek_ca = NULL, *record = NULL, *request = NULL;
	struct json_value *ev = NULL;
	struct evidence_ak ak = { 0 };
	uint8_t ek_sha[32];
	char err[512];
	X509 *ek = NULL;
	time_t at;
	int have_at = 0, c, r;

	while ((c = next_option(argc, argv, "o:h", opts, usage_text, &r)) > 0)
		switch (c) {
		case 'E': ev_path = optarg; break;
		case 'k': ek_ca = optarg; break;
		case 'o': record = optarg; break;
		case 'q': request = optarg; break;
		case 'a':
			if (parse_time_arg(optarg, &at) < 0)
				return complain(EXIT_USAGE, "--at %s: expected YYYY-MM-DD[THH:MM:SSZ] or @SECONDS", optarg);
			have_at = 1;
			break;
		}
	if (c < 0)
		return r;
	if (optind != argc || !ev_path || !ek_ca || !record || !request)
		return show_usage(usage_text, EXIT_USAGE);
	r = load_tpm_evidence(ev_path, &ev);
	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", ev_path,
				r == -ENOENT ? "no vTPM evidence (tpm)" : r == -EBADMSG ? "not a JSON document" : strerror(-r));
	if (!evidence_ak_load(json_get(ev, "tpm"), &ak, err, sizeof(err)))
		r = complain(EXIT_FAIL, "%s: %s", ev_path, err);
	else if (!evidence_ek_verify(json_get(ev, "tpm"), ek_ca, have_at ? &at : NULL, &ek, ek_sha, err, sizeof(err)))
		r = complain(EXIT_FAIL, "%s: %s", ev_path, err);
	else
		r = make_challenge(&ak, ek, ek_sha, record, request);
	if (r == EXIT_OK) {
		char sha[65];

		hex_encode(ek_sha, 32, sha);
		printf("challenge: credential for the AK of %s under its EK (certificate sha256 %s); send %s to the "
		       "node, keep %s\n", ev_path, sha, request, record);
	}
	X509_free(ek);
	evidence_ak_free(&ak);
	json_free(ev);
	return r;
}
