// Placeholder translation unit (see src/CMakeLists.txt); removed when every layer has files.
