#![no_std]
//! Items of every kind.
extern crate alloc as a;
use ::std::{self, fs::{File as F, *}, io};
pub(crate) mod inline { pub(super) fn f() {} }
mod file;
#[path = "other.rs"]
mod other;
pub const unsafe extern "C" fn qualified<'a, T: ?Sized + 'a, const N: usize>(x: &'a T, ...) -> usize where T: Send { N }
async fn a(self: Box<Self>) {}
struct Unit;
struct Tuple(pub u8, String);
struct Named<T> where T: Copy { pub x: T, y: [u8; 4] }
enum E { A = 1, B(u8), C { d: i32 } }
union U { f: f32, u: u32 }
pub unsafe trait Tr: Clone { type Out: Send; const K: u8 = 1; fn m(&self); fn d(&mut self) -> u8 { 0 } }
unsafe impl<T> Tr for Named<T> { type Out = T; fn m(&self) {} }
impl !Send for Unit {}
impl dyn Tr<Out = u8> + Send {}
static mut COUNTER: u32 = 0;
const _: () = ();
type Alias<'a> = &'a mut [u8];
trait Alias2 = Clone + Send;
auto trait Marker {}
unsafe extern "C" { pub safe fn abs(x: i32) -> i32; static errno: i32; fn printf(fmt: *const u8, ...) -> i32; }
#[link(name = "z")]
extern { fn deflate(); }
macro_rules! square { ($x:expr) => { $x * $x }; }
lazy_static! { static ref X: u8 = 1; }
thread_local!(static T: u8 = 0);
#[unsafe(no_mangle)]
pub extern "C" fn exported() {}
