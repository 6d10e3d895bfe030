// Asio and Beast compiled once for the whole program (BOOST_*_SEPARATE_COMPILATION): every other
// translation unit includes only declarations, which keeps builds on two cores tolerable.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
