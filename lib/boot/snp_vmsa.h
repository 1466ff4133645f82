/* SPDX-License-Identifier: Apache-2.0 */
/* The initial VMSA (VM save area) page QEMU/KVM hands to SNP_LAUNCH_UPDATE for each
 * vCPU, for QEMU's reset state. Layout: AMD APM vol. 2, table B-4 "VMSA layout,
 * state save area for SEV-ES" (Linux arch/x86/include/asm/svm.h struct sev_es_save_area). */
#ifndef CVM_SNP_VMSA_H
#define CVM_SNP_VMSA_H

#include <stddef.h>
#include <stdint.h>

#define SNP_VMSA_SIZE 4096
/* EIP of the BSP at reset (the x86 reset vector). */
#define SNP_VMSA_BSP_EIP 0xfffffff0u

/* CPUID Fn0000_0001_EAX signature of a QEMU CPU model name (EPYC, EPYC-v1…v4,
 * EPYC-IBPB, EPYC-Rome[-vN], EPYC-Milan[-vN], EPYC-Genoa[-vN], EPYC-Turin[-vN]).
 * KVM puts it into RDX at reset. Returns 0 or -EINVAL for an unknown name. */
int snp_vcpu_signature(const char *vcpu_type, uint32_t *ret_sig);

/* Family/model/stepping → signature (AMD CPUID spec #25481, Fn0000_0001_EAX). */
uint32_t snp_cpu_sig(unsigned family, unsigned model, unsigned stepping);

/* Writes the VMSA page for a vCPU starting at eip (SNP_VMSA_BSP_EIP for the BSP,
 * the firmware's SEV-ES reset-block EIP for APs). */
void snp_vmsa_build(uint32_t eip, uint32_t vcpu_sig, uint64_t sev_features,
		    uint8_t ret_page[SNP_VMSA_SIZE]);

#endif
