/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 (Debian 12) lacks and Rust's std
 * (>= 1.78) imports ProcessPrng from: every test exe died with STATUS_DLL_NOT_FOUND. It forwards to
 * RtlGenRandom (advapi32's SystemFunction036), as Glean and rustc_codegen_cranelift do for the same
 * Wine. Only ever copied into the Wine prefix of scripts/cross.sh; never shipped. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
    while (size > 0) {
        ULONG chunk = size > 0xFFFFFFFFu ? 0xFFFFFFFFu : (ULONG)size;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
