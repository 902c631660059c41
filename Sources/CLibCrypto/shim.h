// OpenSSL's SHA-256 without a context on the heap: the log's hash chain hashes one small
// event at a time, where swift-crypto's per-call allocations cost as much as the hashing.
// The low-level functions are deprecated in OpenSSL 3 in favour of EVP, which fetches the
// algorithm on every call; they remain supported, so their warnings are silenced here.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
