//! The `lcscan` command line.

fn main() {
    println!("lcscan {}", env!("CARGO_PKG_VERSION"));
}
