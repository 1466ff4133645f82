/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands of cvm-reference. To add one: write reference/cmd-NAME.c with
 * `int cmd_NAME(int argc, char **argv)` (argv[0] is the subcommand name), declare it
 * below and add a line to COMMAND_LIST. A subcommand returns one of the exit codes
 * of util/exit.h (EXIT_FAIL only where it verifies something). */
#ifndef CVM_REFERENCE_COMMANDS_H
#define CVM_REFERENCE_COMMANDS_H

#include "util/exit.h"

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_workload(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_eventlog(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_authenticode(int argc, char **argv);
int cmd_challenge(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify_signature(int argc, char **argv);
int cmd_snp(int argc, char **argv);
int cmd_tdx_mrtd(int argc, char **argv);

#define COMMAND_LIST \
	{ "authenticode", "PE/COFF Authenticode digest of an EFI image, as edk2 measures it", cmd_authenticode }, \
	{ "challenge", "credential for a node's vTPM AK under its pinned EK certificate (TPM2_MakeCredential)", cmd_challenge }, \
	{ "eventlog", "replay a TCG2 / SHA-1 / TDX CCEL firmware log or a CEL-JSON log and list its events", cmd_eventlog }, \
	{ "evidence", "show or verify an SEV-SNP report, TDX quote or TPM2 quote offline", cmd_evidence }, \
	{ "image", "reference-values document (vTPM PCRs, TDX MRTD/RTMRs, SNP digests) of a built image", cmd_image }, \
	{ "snp", "SEV-SNP launch digest of OVMF (+ direct-boot kernel/initrd/cmdline) for N vCPUs of an EPYC model", cmd_snp }, \
	{ "tdx-mrtd", "TDX MRTD of a TDVF (OVMF IntelTdx) image, per-page or two-pass page order", cmd_tdx_mrtd }, \
	{ "sign", "detached Ed25519 / ECDSA P-384 signature over a document", cmd_sign }, \
	{ "verify", "check an evidence document against the reference values, the workload and a nonce", cmd_verify }, \
	{ "verify-signature", "check a detached document signature", cmd_verify_signature }, \
	{ "workload", "workload identity and expected PCR 8 / RTMR3 / HOST_DATA of a manifest or disk", cmd_workload },

#endif
