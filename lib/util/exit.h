/* SPDX-License-Identifier: Apache-2.0 */
/* The exit codes of every cvmforge command-line tool (README "Exit codes"). A script
 * can tell "the evidence did not verify" from "I called it wrong" from "the machine
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

#endif
