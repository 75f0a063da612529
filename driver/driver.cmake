add_library(wirepath_driver STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/e1000_setup.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/e1000_tx.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/e1000_clean.cpp)
target_include_directories(wirepath_driver PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(wirepath_driver PUBLIC wirepath_stack wirepath_hw fmt::fmt PRIVATE wirepath_warnings)
