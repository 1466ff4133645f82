/* SPDX-License-Identifier: Apache-2.0 */
/* The exit codes of every cvmforge command-line tool (README "Exit codes"), and the
 * one way a tool reports an error: "<program>: <message>" on stderr. A script can
 * tell "the evidence did not verify" from "I called it wrong" from "the machine
 * failed", whichever tool it runs. */
#ifndef CVM_EXIT_H
#define CVM_EXIT_H

enum {
	EXIT_OK = 0,     /* done; for a verifier: every required check held */
	EXIT_FAIL = 1,   /* a verification or check did not hold (the input was well-formed) */
	EXIT_USAGE = 2,  /* bad command line: unknown option, missing or malformed argument */
	EXIT_INPUT = 3,  /* an input file is unreadable, malformed or out of bounds */
	EXIT_SYSTEM = 4, /* the system failed: out of memory, I/O, OpenSSL, a device or a child */
};

/* The name that starts every message ("cvm-mkinitrd", "cvm-reference snp"); main
 * sets it first. Until then messages start with the name the program was run as. */
void set_program_name(const char *name);

/* Prints "<program>: <message>\n" on stderr and exits with code. Cleanup that must
 * happen on every exit (temporary files) belongs in an atexit() handler. */
_Noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the same line and returns code: for a function that hands its exit code back
 * to a caller that still has to clean up. */
int complain(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A usage text: on stdout when it was asked for (--help, code EXIT_OK), on stderr
 * after a bad command line (EXIT_USAGE). Returns code. */
int show_usage(const char *text, int code);

#endif
