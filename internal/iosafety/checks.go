// Package iosafety finds safe APIs that break Rust's I/O safety rule
// (RFC 3128): in safe code, a raw file descriptor, socket or handle must
// not be usable to perform I/O on a resource the caller does not own.
// Each check has a stable id, a severity, an explanation citing the RFC's
// rule and a concrete fix; findings can be suppressed in source with a
// comment that gives a reason.
package iosafety

// Severity ranks findings.
type Severity string

// Severities.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Check describes one I/O-safety check.
type Check struct {
	ID       string
	Name     string
	Severity Severity
	// Explain is a paragraph for reports: what is wrong and which rule
	// of RFC 3128 it breaks.
	Explain string
	Fix     string
}

// The checks, by id. Their ids are stable: users cite them in
// suppressions and CI policies.
var Checks = []Check{
	{
		ID: "WIO001", Name: "raw-handle-param", Severity: High,
		Explain: "A public safe function (or a public trait's method declaration) accepts a raw handle in any " +
			"form (RawFd, RawSocket, RawHandle, an Option, tuple, slice or array of them, or an integer named " +
			"like a descriptor) and uses it as a handle: it passes it on, stores it, or calls a method on it " +
			"(arithmetic and formatting alone do not count). RFC 3128 makes raw handles behave like raw " +
			"pointers: safe code must not be able to act on an arbitrary integer, because any caller can " +
			"then read, write or close a resource it never opened (use after close, or another component's fd).",
		Fix: "Take BorrowedFd<'_> (or impl AsFd) for borrowed use, OwnedFd for ownership transfer; or mark " +
			"the function unsafe and document the ownership requirement in a # Safety section.",
	},
	{
		ID: "WIO002", Name: "raw-handle-bound", Severity: Medium,
		Explain: "A public safe function is generic over AsRawFd/AsRawSocket/AsRawHandle or IntoRawFd/... " +
			"(or over a trait of the crate that requires one of them or is implemented for RawFd) and uses " +
			"the raw handle. RawFd itself satisfies such a bound, so any integer does: the API accepts forged " +
			"handles, which RFC 3128 forbids in safe code.",
		Fix: "Bound on AsFd/AsSocket/AsHandle (borrowed) or Into<OwnedFd>/Into<OwnedSocket>/Into<OwnedHandle> " +
			"(owned) instead.",
	},
	{
		ID: "WIO003", Name: "forging-wrapper", Severity: High,
		Explain: "A safe function builds an I/O object with from_raw_fd/from_raw_socket/from_raw_handle " +
			"(or BorrowedFd::borrow_raw) inside an unsafe block from a value that comes from its parameters, " +
			"a field or arithmetic. The unsafe block asserts ownership of the handle, but nothing in the safe " +
			"signature guarantees it: RFC 3128 requires the caller-facing API to carry that obligation.",
		Fix: "Take OwnedFd (or BorrowedFd<'_>) so the type system carries ownership, or make the function " +
			"unsafe with a # Safety section stating that the caller must own the handle.",
	},
	{
		ID: "WIO004", Name: "forged-literal", Severity: Medium,
		Explain: "An I/O object is made from an integer literal (from_raw_fd(3)). Nothing guarantees that " +
			"descriptor is open or owned by this code; RFC 3128 treats such forging like dereferencing a " +
			"made-up pointer. Standard streams 0, 1 and 2 are reported at low severity: they are usually " +
			"open, but ownership (closing on drop) is still wrong.",
		Fix: "Use std::io::stdin()/stdout()/stderr() (or their as_fd()) for standard streams; otherwise obtain " +
			"the handle from the API that opened it and keep it as OwnedFd.",
	},
	{
		ID: "WIO005", Name: "escaping-borrow", Severity: Medium,
		Explain: "The raw handle returned by as_raw_fd() (or as_raw_socket/as_raw_handle) outlives its owner: " +
			"it is returned or stored while the owning value is a local that is dropped at the end of the " +
			"function, or used after the owner was dropped. RFC 3128 treats such a handle like a dangling " +
			"pointer: the descriptor number may already be closed, or reused for another resource.",
		Fix: "Keep the owner alive as long as the handle is used: return or store the owner (OwnedFd, File, ...) " +
			"or a BorrowedFd<'_> tied to it, or transfer ownership with into_raw_fd() when the handle must outlive it.",
	},
	{
		ID: "WIO006", Name: "double-close-or-leak", Severity: High,
		Explain: "close() is called on the raw handle of a value that still owns it, so the handle is closed " +
			"again when the owner is dropped (a double close can close an unrelated descriptor that reused the " +
			"number); or into_raw_fd() gives up ownership and the result is discarded, leaking the handle. " +
			"RFC 3128: exactly one owner closes a handle, once.",
		Fix: "Drop the owner instead of calling close (or call into_raw_fd() and close that); re-own the result " +
			"of into_raw_fd() with OwnedFd::from_raw_fd (or pass it to an API that takes ownership).",
	},
	{
		ID: "WIO007", Name: "raw-handle-return", Severity: Medium,
		Explain: "A public safe function returns an owned raw handle (RawFd, RawSocket or RawHandle, alone, " +
			"in a Result, an Option or a tuple) that the caller must close. Nothing in the type says so: the " +
			"caller can leak it, close it twice, or keep using the number after closing it. RFC 3128 gives " +
			"owned handles a type that closes them exactly once. Accessors (as_raw_fd, into_raw_fd and " +
			"methods borrowing self) are not reported.",
		Fix: "Return OwnedFd/OwnedSocket/OwnedHandle (or a type that owns the handle, such as File); keep " +
			"RawFd for accessors that only lend the handle of a value the caller holds.",
	},
}

// CheckByID returns the check with the given id, or nil.
func CheckByID(id string) *Check {
	for i := range Checks {
		if Checks[i].ID == id {
			return &Checks[i]
		}
	}
	return nil
}
