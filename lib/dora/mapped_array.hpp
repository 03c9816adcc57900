// A growable array of trivially copyable values in its own anonymous
// mapping. Growth uses mremap, which moves pages instead of copying them, so
// the peak resident size is the data itself: a std::vector holds the old and
// the new copy at once while it grows (2x, briefly 3x its size). Tools that
// must remember millions of small events (ndj-dora) keep them here.
#pragma once
#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace ndj {

template <class T>
class MappedArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  MappedArray() = default;
  MappedArray(const MappedArray&) = delete;
  MappedArray& operator=(const MappedArray&) = delete;
  MappedArray(MappedArray&& o) noexcept { swap(o); }
  MappedArray& operator=(MappedArray&& o) noexcept {
    MappedArray(std::move(o)).swap(*this);
    return *this;
  }
  ~MappedArray() { release(); }

  void push_back(const T& v) {
    if (size_ == cap_) grow();
    std::memcpy(static_cast<void*>(data_ + size_), &v, sizeof(T));
    ++size_;
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }

  // Keeps the first n elements and returns the pages past them to the kernel.
  void truncate(size_t n) {
    if (n >= size_) return;
    size_ = n;
    size_t keep = page_round(n * sizeof(T));
    if (keep < bytes_) ::madvise(reinterpret_cast<char*>(data_) + keep, bytes_ - keep, MADV_DONTNEED);
  }
  void release() {
    if (data_) ::munmap(data_, bytes_);
    data_ = nullptr;
    size_ = cap_ = bytes_ = 0;
  }
  // The same memory read as another type of the same size, for converting
  // elements in place (write each U over the T it replaces, front to back).
  template <class U>
  MappedArray<U> reinterpret() && {
    static_assert(sizeof(U) == sizeof(T) && alignof(U) <= alignof(T));
    MappedArray<U> out;
    out.data_ = reinterpret_cast<U*>(data_);
    out.size_ = size_;
    out.cap_ = cap_;
    out.bytes_ = bytes_;
    data_ = nullptr;
    size_ = cap_ = bytes_ = 0;
    return out;
  }
  void swap(MappedArray& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
    std::swap(bytes_, o.bytes_);
  }

 private:
  template <class U>
  friend class MappedArray;
  static size_t page_round(size_t n) { return (n + 4095) & ~size_t{4095}; }

  void grow() {
    // Untouched pages of a mapping are not resident, so doubling the
    // reservation costs address space only.
    size_t bytes = bytes_ ? bytes_ * 2 : size_t{1} << 20;
    void* p = data_ ? ::mremap(data_, bytes_, bytes, MREMAP_MAYMOVE)
                    : ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<T*>(p);
    bytes_ = bytes;
    cap_ = bytes / sizeof(T);
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
  size_t bytes_ = 0;
};

}  // namespace ndj
