// The city generator. Pipeline (each step parallel over fixed blocks, results depending only on
// entity indices):
//   1. geography: cities, districts, streets, communities (serial, small), and the
//      organizations each street holds (largest-remainder apportionment over street weights);
//   2. units (supervising party organizations) and their supervision, with the planted unit
//      defects;
//   3. organizations: kind, industry, place, staff, people and their party status (per org);
//   4. branches, per district: own branches, joint branches from per-street and per-industry
//      pools, temporary branches, superiors, planted branch defects, instructors;
//   5. the CSV files, written block by block in order.
// The model and its rates are documented in generator.hpp and docs/generator.md.
#include "loaders/generator.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "engine/diagnostics.hpp"
#include "engine/parallel.hpp"
#include "engine/types.hpp"

namespace orgraph {
namespace {

namespace fs = std::filesystem;
constexpr std::uint32_t kNil = 0xFFFFFFFFu;

// ---- Counter-based randomness ---------------------------------------------------------------

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

enum class Stream : std::uint64_t {
  city = 1,
  district,
  street,
  community,
  org,
  org_place,
  org_name,
  person,
  person_name,
  borrow,
  own_branch,
  pool,
  group,
  branch_defect,
  unit_defect,
  instructor,
  relation,
  district_plan,
  uscc,
};

// A stream of random numbers owned by one entity: SplitMix64 started from a hash of (seed,
// stream, index). The values depend on nothing else, so any thread may draw them.
class Draw {
 public:
  Draw(std::uint64_t seed, Stream stream, std::uint64_t index)
      : state_(mix64(mix64(seed + kGolden * (static_cast<std::uint64_t>(stream) + 1)) ^
                     (index * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL))) {}
  std::uint64_t next() {
    state_ += kGolden;
    return mix64(state_);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  bool chance(double p) { return uniform() < p; }
  double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  template <std::size_t N>
  std::size_t weighted(const std::array<double, N>& w) {
    double total = 0;
    for (double x : w) total += x;
    double u = uniform() * total;
    for (std::size_t i = 0; i < N; ++i) {
      if (u < w[i]) return i;
      u -= w[i];
    }
    for (std::size_t i = N; i-- > 0;) {
      if (w[i] > 0) return i;
    }
    return 0;
  }
  // Pareto(xm, alpha), floored, clamped to [1, cap]: heavy-tailed sizes.
  std::uint32_t pareto(double xm, double alpha, std::uint32_t cap) {
    const double x = xm / std::pow(1.0 - uniform(), 1.0 / alpha);
    return static_cast<std::uint32_t>(std::clamp(std::floor(x), 1.0, static_cast<double>(cap)));
  }

 private:
  std::uint64_t state_;
};

// ---- Vocabulary -----------------------------------------------------------------------------

constexpr std::size_t kIndustries = 13;
constexpr std::array<std::string_view, kIndustries> kIndustryNames{
    "education", "health",     "elderly_care",      "culture",     "sports",
    "charity",   "law",        "science",           "agriculture", "industry_commerce",
    "environment", "finance",  "community_service"};
constexpr std::array<std::string_view, kIndustries> kIndustryLabels{
    "教育", "卫生健康", "养老服务", "文化", "体育", "慈善", "司法",
    "科技", "农业农村", "工商业",   "生态环境", "金融", "社区服务"};
// Industries with a line party committee at city / district level.
constexpr std::array<bool, kIndustries> kCityLine{true, true,  true, true, true,  false, true,
                                                  true, true,  true, true, true,  false};
constexpr std::array<bool, kIndustries> kDistrictLine{true,  true, false, true,  true,  false, true,
                                                      false, true, true,  false, false, false};
// Industry mix per kind (weights), in OrgKind order.
constexpr std::array<std::array<double, kIndustries>, 4> kIndustryMix{{
    {6, 6, 4, 12, 12, 5, 5, 10, 12, 20, 3, 3, 2},      // social_group
    {38, 8, 12, 7, 7, 3, 2, 3, 2, 1, 2, 1, 14},         // social_service
    {25, 10, 0, 8, 0, 50, 0, 5, 0, 0, 2, 0, 0},         // foundation
    {4, 2, 12, 25, 17, 10, 0, 0, 0, 0, 0, 0, 30},       // community_group
}};

using Words = std::array<std::string_view, 6>;
constexpr std::array<Words, kIndustries> kTopics{{
    {"青少年教育", "职业技能", "艺术", "外语", "家庭教育", "书画"},
    {"康复", "健康促进", "医疗服务", "心理健康", "护理", "中医药"},
    {"居家养老", "老年服务", "颐养", "助老", "老龄事业", "长者照护"},
    {"文化艺术", "书法", "摄影", "戏曲", "民俗文化", "收藏"},
    {"篮球", "足球", "武术", "围棋", "健身", "乒乓球"},
    {"慈善", "爱心", "公益", "助学", "扶贫济困", "救助"},
    {"法律服务", "人民调解", "律师", "法学", "公证", "法律援助"},
    {"科学技术", "计算机", "机械工程", "电子学", "科普", "新材料"},
    {"农业技术", "蔬菜", "茶叶", "水产养殖", "花卉", "农机"},
    {"电子商务", "餐饮", "物流", "建筑业", "纺织服装", "个体劳动者"},
    {"环境保护", "绿色发展", "生态", "节能", "低碳", "垃圾分类"},
    {"金融", "保险", "会计", "小额信贷", "证券", "财务管理"},
    {"社区服务", "邻里互助", "社会工作", "志愿服务", "家政服务", "物业"},
}};
constexpr std::array<Words, 4> kSuffixes{{
    {"协会", "商会", "学会", "研究会", "联合会", "促进会"},
    {"服务中心", "中心", "培训学校", "服务社", "研究院", "发展中心"},
    {"基金会", "基金会", "慈善基金会", "基金会", "发展基金会", "基金会"},
    {"志愿服务队", "协会", "俱乐部", "兴趣小组", "服务队", "艺术团"},
}};
constexpr std::array<std::string_view, 20> kBrands{
    "阳光", "博雅", "启航", "同心", "和美", "爱心", "德馨", "晨曦", "春晖", "乐龄",
    "康宁", "明德", "睿思", "星辰", "彩虹", "暖阳", "善行", "安馨", "仁爱", "致远"};
constexpr std::array<std::string_view, 96> kPlaceChars{
    "青", "龙", "红", "梅", "兰", "陵", "茶", "山", "永", "宁", "新", "华", "东", "西", "南", "北",
    "平", "安", "和", "兴", "盛", "泰", "德", "福", "春", "江", "湖", "河", "桥", "塘", "港", "湾",
    "林", "园", "花", "石", "金", "玉", "明", "光", "丰", "乐", "庆", "文", "武", "清", "凤", "凰",
    "云", "天", "水", "月", "星", "阳", "秀", "竹", "松", "柏", "荷", "莲", "桂", "枫", "霞", "虹",
    "锦", "绣", "翠", "景", "瑞", "祥", "嘉", "怡", "康", "宏", "富", "长", "城", "广", "寿", "丽",
    "鸣", "鹤", "沙", "洲", "溪", "泉", "岭", "坊", "里", "庄", "苑", "峰", "源", "滨", "海", "田"};
constexpr std::array<std::string_view, 80> kSurnames{
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "史", "顾"};
constexpr std::array<std::string_view, 64> kGiven{
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "玲", "红", "燕", "萍", "辉",
    "鹏", "宇", "晨", "欣", "浩", "婷", "雪", "琳", "晓", "波", "斌", "宁", "彬", "峰", "亮", "慧",
    "佳", "俊", "凯", "鑫", "倩", "颖", "璐", "瑶", "博", "阳", "海", "云", "志", "春", "梅", "兵"};
constexpr std::array<std::string_view, 16> kPinyinSurnames{
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao",
    "Wu",   "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo"};
constexpr std::array<std::string_view, 16> kPinyinGiven{
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei",
    "Jun", "Yang", "Yong", "Yan", "Jie", "Juan", "Tao", "Ming"};
constexpr std::array<std::string_view, 8> kNicknames{"Tony", "Amy", "Kevin", "Lily",
                                                     "Jack", "Grace", "Leo",  "Coco"};

// ---- Model constants (see generator.hpp for what they calibrate) -----------------------------

constexpr std::uint64_t kChangzhouOrgs = 8'700;
constexpr double kShareCity = 700.0 / 8'700.0;
constexpr double kShareDistrict = 5'000.0 / 8'700.0;

constexpr double kOwnBranchRegistered = 0.80;
constexpr double kOwnBranchGroup = 0.50;
constexpr double kOwnBranchWithTwo = 0.03;          // planted undersized
constexpr double kKeepDeregisteredBranch = 0.10;    // planted inactive coverage
constexpr double kDeregisteredInPool = 0.15;        // planted inactive coverage
constexpr std::array<double, 3> kPoolRegistered{0.20, 0.85, 0.90};  // by home full members 0/1/2
constexpr std::array<double, 3> kPoolGroup{0.10, 0.40, 0.55};
constexpr double kIndustryPool = 0.30;
constexpr double kKeepLeftover = 0.10;   // planted undersized
constexpr double kWideGroup = 0.02;      // planted too wide
constexpr double kTemporaryPerDistrict = 0.5;
constexpr double kOrphanRate = 0.012, kDoubleRate = 0.012, kLevelRate = 0.012;
constexpr double kTerritoryRate = 0.05;
constexpr double kStreetUnitBroken = 0.01;
constexpr double kMagnetDistrict = 0.05;
constexpr double kCityMagnet = 0.25;      // floating members sent to the city's magnet branch
constexpr double kDistrictMagnet = 0.40;  // ... or to their district's
constexpr double kDuplicateRelation = 0.004;
constexpr double kPocketCovered = 0.05, kFloatingCovered = 0.05;
constexpr double kPocketUncovered = 0.60;

// ---- Geography ------------------------------------------------------------------------------

struct CityGeo {
  std::uint32_t code = 0;
  std::string name;
  double lat = 0, lon = 0;
  std::uint32_t d_begin = 0, d_end = 0;
};
struct DistrictGeo {
  std::uint32_t code = 0;
  std::string name;
  std::string prefix;  // how org names start: "常州市天宁区" or "溧阳市"
  std::uint32_t city = 0;
  double lat = 0, lon = 0;
  std::uint32_t s_begin = 0, s_end = 0;
};
struct StreetGeo {
  std::uint64_t code = 0;
  std::string name;
  std::uint32_t district = 0;
  bool town = false;
  double lat = 0, lon = 0;
  std::uint32_t c_begin = 0, c_end = 0;
  std::uint32_t o_begin = 0, n_city = 0, n_district = 0, n_group = 0;
  std::uint32_t o_end() const { return o_begin + n_city + n_district + n_group; }
};
struct CommunityGeo {
  std::uint64_t code = 0;
  std::uint32_t street = 0;
  bool village = false;
  std::uint8_t name_a = 0, name_b = 0;
  float lat = 0, lon = 0;
};

struct Geo {
  std::vector<CityGeo> cities;
  std::vector<DistrictGeo> districts;
  std::vector<StreetGeo> streets;
  std::vector<CommunityGeo> communities;
};

struct RealStreet {
  std::string_view name;
  bool town;
};
struct RealDistrict {
  std::uint32_t code;
  std::string_view name;
  double lat, lon;
  std::vector<RealStreet> streets;
};

const std::vector<RealDistrict>& changzhou_districts() {
  static const std::vector<RealDistrict> d{
      {320402, "天宁区", 31.779, 119.975,
       {{"天宁街道", false}, {"雕庄街道", false}, {"青龙街道", false}, {"茶山街道", false},
        {"红梅街道", false}, {"兰陵街道", false}, {"郑陆镇", true}}},
      {320404, "钟楼区", 31.781, 119.902,
       {{"南大街街道", false}, {"荷花池街道", false}, {"五星街道", false}, {"永红街道", false},
        {"北港街道", false}, {"西林街道", false}, {"新闸街道", false}, {"邹区镇", true}}},
      {320411, "新北区", 31.858, 119.972,
       {{"三井街道", false}, {"河海街道", false}, {"龙虎塘街道", false}, {"新桥街道", false},
        {"薛家镇", true}, {"罗溪镇", true}, {"西夏墅镇", true}, {"春江镇", true},
        {"孟河镇", true}, {"奔牛镇", true}}},
      {320412, "武进区", 31.701, 119.942,
       {{"湖塘街道", false}, {"南夏墅街道", false}, {"西湖街道", false}, {"丁堰街道", false},
        {"潞城街道", false}, {"戚墅堰街道", false}, {"牛塘镇", true}, {"洛阳镇", true},
        {"遥观镇", true}, {"横林镇", true}, {"横山桥镇", true}, {"雪堰镇", true},
        {"前黄镇", true}, {"礼嘉镇", true}, {"嘉泽镇", true}, {"湟里镇", true}}},
      {320413, "金坛区", 31.723, 119.597,
       {{"西城街道", false}, {"东城街道", false}, {"尧塘街道", false}, {"金城镇", true},
        {"儒林镇", true}, {"直溪镇", true}, {"朱林镇", true}, {"薛埠镇", true},
        {"指前镇", true}}},
      {320481, "溧阳市", 31.416, 119.484,
       {{"溧城街道", false}, {"古县街道", false}, {"昆仑街道", false}, {"天目湖镇", true},
        {"别桥镇", true}, {"上兴镇", true}, {"竹箦镇", true}, {"南渡镇", true},
        {"社渚镇", true}, {"埭头镇", true}, {"上黄镇", true}, {"戴埠镇", true}}},
  };
  return d;
}

struct CitySpec {
  std::uint32_t code;
  std::string name;
  double lat, lon;
  bool real_changzhou;
};

struct ProvinceSpec {
  std::uint32_t code;
  std::string_view name;
  double lat, lon;
  bool municipality;
};
constexpr std::array<ProvinceSpec, 31> kProvinces{{
    {11, "北京市", 39.90, 116.40, true},   {12, "天津市", 39.13, 117.20, true},
    {13, "河北省", 38.04, 114.51, false},  {14, "山西省", 37.87, 112.55, false},
    {15, "内蒙古自治区", 40.84, 111.75, false}, {21, "辽宁省", 41.80, 123.43, false},
    {22, "吉林省", 43.88, 125.32, false},  {23, "黑龙江省", 45.80, 126.53, false},
    {31, "上海市", 31.23, 121.47, true},   {32, "江苏省", 32.06, 118.80, false},
    {33, "浙江省", 30.27, 120.15, false},  {34, "安徽省", 31.82, 117.23, false},
    {35, "福建省", 26.07, 119.30, false},  {36, "江西省", 28.68, 115.86, false},
    {37, "山东省", 36.65, 117.12, false},  {41, "河南省", 34.75, 113.62, false},
    {42, "湖北省", 30.59, 114.31, false},  {43, "湖南省", 28.23, 112.94, false},
    {44, "广东省", 23.13, 113.26, false},  {45, "广西壮族自治区", 22.82, 108.37, false},
    {46, "海南省", 20.04, 110.20, false},  {50, "重庆市", 29.56, 106.55, true},
    {51, "四川省", 30.57, 104.07, false},  {52, "贵州省", 26.65, 106.63, false},
    {53, "云南省", 25.04, 102.71, false},  {54, "西藏自治区", 29.65, 91.13, false},
    {61, "陕西省", 34.34, 108.94, false},  {62, "甘肃省", 36.06, 103.83, false},
    {63, "青海省", 36.62, 101.78, false},  {64, "宁夏回族自治区", 38.49, 106.23, false},
    {65, "新疆维吾尔自治区", 43.83, 87.62, false},
}};

std::vector<CitySpec> jiangsu_cities() {
  struct J {
    std::uint32_t code;
    std::string_view name;
    double lat, lon;
  };
  static constexpr std::array<J, 13> cities{{
      {320100, "南京市", 32.06, 118.80}, {320200, "无锡市", 31.49, 120.31},
      {320300, "徐州市", 34.26, 117.18}, {320400, "常州市", 31.78, 119.95},
      {320500, "苏州市", 31.30, 120.62}, {320600, "南通市", 31.98, 120.89},
      {320700, "连云港市", 34.60, 119.22}, {320800, "淮安市", 33.61, 119.02},
      {320900, "盐城市", 33.35, 120.16}, {321000, "扬州市", 32.39, 119.41},
      {321100, "镇江市", 32.19, 119.42}, {321200, "泰州市", 32.46, 119.92},
      {321300, "宿迁市", 33.96, 118.28},
  }};
  std::vector<CitySpec> out;
  for (const auto& c : cities) {
    out.push_back({c.code, std::string(c.name), c.lat, c.lon, c.code == 320400});
  }
  return out;
}

std::string place_name(Draw& d) {
  std::string s(kPlaceChars[d.below(kPlaceChars.size())]);
  s += kPlaceChars[d.below(kPlaceChars.size())];
  return s;
}

std::vector<CitySpec> preset_city_list(const std::string& preset, std::uint64_t seed) {
  if (preset == "changzhou") return {{320400, "常州市", 31.78, 119.95, true}};
  if (preset == "province") return jiangsu_cities();
  std::vector<CitySpec> out;
  for (const auto& p : kProvinces) {
    if (p.code == 32) {
      for (auto& c : jiangsu_cities()) out.push_back(std::move(c));
      continue;
    }
    Draw d(seed, Stream::city, p.code);
    const std::uint32_t n = p.municipality ? 1 : 8 + d.below(8);
    for (std::uint32_t c = 0; c < n; ++c) {
      CitySpec s;
      s.code = p.code * 10000 + (c + 1) * 100;
      s.name = p.municipality ? std::string(p.name) : place_name(d) + "市";
      s.lat = p.municipality ? p.lat : p.lat + d.between(-2.0, 2.0);
      s.lon = p.municipality ? p.lon : p.lon + d.between(-2.5, 2.5);
      s.real_changzhou = false;
      out.push_back(std::move(s));
    }
  }
  return out;
}

void add_communities(Geo& g, std::uint64_t seed, StreetGeo& s, std::uint32_t street_index) {
  Draw d(seed, Stream::street, s.code);
  std::uint32_t communities = 0, villages = 0;
  if (s.town) {
    villages = 9 + d.below(9);
    communities = 2 + d.below(3);
  } else {
    communities = 9 + d.below(13);
    villages = d.chance(0.2) ? 1 + d.below(3) : 0;
  }
  s.c_begin = static_cast<std::uint32_t>(g.communities.size());
  for (std::uint32_t k = 0; k < communities + villages; ++k) {
    CommunityGeo c;
    const bool village = k >= communities;
    c.code = s.code * 1000 + (village ? 200 + (k - communities) + 1 : k + 1);
    c.street = street_index;
    c.village = village;
    Draw dc(seed, Stream::community, c.code);
    c.name_a = static_cast<std::uint8_t>(dc.below(kPlaceChars.size()));
    c.name_b = static_cast<std::uint8_t>(dc.below(kPlaceChars.size()));
    const double spread = s.town ? 0.05 : 0.015;
    c.lat = static_cast<float>(s.lat + dc.between(-spread, spread));
    c.lon = static_cast<float>(s.lon + dc.between(-spread, spread));
    g.communities.push_back(c);
  }
  s.c_end = static_cast<std::uint32_t>(g.communities.size());
}

void add_city(Geo& g, std::uint64_t seed, const CitySpec& spec) {
  CityGeo city;
  city.code = spec.code;
  city.name = spec.name;
  city.lat = spec.lat;
  city.lon = spec.lon;
  const std::uint32_t city_index = static_cast<std::uint32_t>(g.cities.size());
  city.d_begin = static_cast<std::uint32_t>(g.districts.size());

  auto add_street = [&](std::uint32_t district_index, std::uint64_t code, std::string name,
                        bool town, double spread) {
    const DistrictGeo& dg = g.districts[district_index];
    Draw d(seed, Stream::street, code ^ 0xABCDEFULL);
    StreetGeo s;
    s.code = code;
    s.name = std::move(name);
    s.district = district_index;
    s.town = town;
    s.lat = dg.lat + d.between(-spread, spread);
    s.lon = dg.lon + d.between(-spread, spread);
    const auto street_index = static_cast<std::uint32_t>(g.streets.size());
    add_communities(g, seed, s, street_index);
    g.streets.push_back(std::move(s));
  };

  if (spec.real_changzhou) {
    for (const auto& rd : changzhou_districts()) {
      DistrictGeo dg;
      dg.code = rd.code;
      dg.name = std::string(rd.name);
      dg.prefix = rd.code % 100 >= 81 ? dg.name : city.name + dg.name;
      dg.city = city_index;
      dg.lat = rd.lat;
      dg.lon = rd.lon;
      dg.s_begin = static_cast<std::uint32_t>(g.streets.size());
      g.districts.push_back(dg);
      const auto di = static_cast<std::uint32_t>(g.districts.size() - 1);
      std::uint32_t subs = 0, towns = 0;
      const double spread = rd.code >= 320413 ? 0.14 : 0.06;
      for (const auto& rs : rd.streets) {
        const std::uint64_t code =
            static_cast<std::uint64_t>(rd.code) * 1000 + (rs.town ? 100 + towns++ : 1 + subs++);
        add_street(di, code, std::string(rs.name), rs.town, rs.town ? spread : spread / 2);
      }
      g.districts[di].s_end = static_cast<std::uint32_t>(g.streets.size());
    }
  } else {
    Draw d(seed, Stream::city, spec.code);
    const std::uint32_t n_districts = 5 + d.below(8);
    const std::uint32_t n_urban = 2 + d.below(3);
    std::uint32_t counties = 0, county_cities = 0;
    for (std::uint32_t k = 0; k < n_districts; ++k) {
      DistrictGeo dg;
      const bool urban = k < n_urban;
      const bool county_city = !urban && d.chance(0.3);
      const std::uint32_t suffix = urban ? 2 + k : county_city ? 81 + county_cities++
                                                               : 21 + counties++;
      dg.code = spec.code + suffix;
      dg.name = place_name(d) + (urban ? "区" : county_city ? "市" : "县");
      dg.prefix = county_city ? dg.name : city.name + dg.name;
      dg.city = city_index;
      const double spread = urban ? 0.12 : 0.6;
      dg.lat = spec.lat + d.between(-spread, spread);
      dg.lon = spec.lon + d.between(-spread, spread);
      dg.s_begin = static_cast<std::uint32_t>(g.streets.size());
      g.districts.push_back(dg);
      const auto di = static_cast<std::uint32_t>(g.districts.size() - 1);
      Draw ds(seed, Stream::district, dg.code);
      const std::uint32_t n_streets = 6 + ds.below(15);
      std::uint32_t subs = 0, towns = 0;
      for (std::uint32_t s = 0; s < n_streets; ++s) {
        const bool town = ds.chance(urban ? 0.15 : 0.7);
        const std::uint64_t code =
            static_cast<std::uint64_t>(dg.code) * 1000 + (town ? 100 + towns++ : 1 + subs++);
        add_street(di, code, place_name(ds) + (town ? "镇" : "街道"), town,
                   urban ? 0.05 : 0.15);
      }
      g.districts[di].s_end = static_cast<std::uint32_t>(g.streets.size());
    }
  }
  city.d_end = static_cast<std::uint32_t>(g.districts.size());
  g.cities.push_back(std::move(city));
}

// Largest-remainder apportionment of `total` over weights (ties to the lower index).
std::vector<std::uint32_t> apportion(std::uint64_t total, const std::vector<double>& w) {
  double sum = 0;
  for (double x : w) sum += x;
  std::vector<std::uint32_t> out(w.size(), 0);
  if (w.empty() || sum <= 0) return out;
  std::vector<std::pair<double, std::uint32_t>> rest(w.size());
  std::uint64_t given = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double exact = static_cast<double>(total) * w[i] / sum;
    out[i] = static_cast<std::uint32_t>(std::floor(exact));
    given += out[i];
    rest[i] = {exact - std::floor(exact), static_cast<std::uint32_t>(i)};
  }
  std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (std::size_t k = 0; given < total && k < rest.size(); ++k, ++given) ++out[rest[k].second];
  return out;
}

// ---- Units ----------------------------------------------------------------------------------

enum class UnitType : std::uint8_t {
  org_city,
  ca_city,
  ind_city,
  org_district,
  ca_district,
  ind_district,
  street,
  community
};

std::string_view level_name(UnitType t);

struct UnitRec {
  UnitType type;
  std::uint8_t industry = 0;
  std::uint32_t place = 0;  // index of the city / district / street / community
  std::uint32_t sup[2] = {kNil, kNil};
};

// ---- Organizations --------------------------------------------------------------------------

enum class RegClass : std::uint8_t { city, district, group };

struct OrgRec {
  std::uint32_t street = 0;
  std::uint32_t community = kNil;  // kNil: located at the street
  std::uint32_t person_begin = 0;  // first home person
  std::uint32_t competent = kNil;
  std::uint32_t branch = kNil;  // covering branch (district-local until offsets are known)
  std::uint32_t instructor_unit = kNil;
  std::uint32_t instructor_person = kNil;
  std::uint16_t staff = 0;    // staff and leader people homed here
  std::uint8_t borrowed_staff = 0;  // staff and leaders homed in another org (staff_count adds them)
  std::uint16_t members = 0;  // people with role member
  std::uint16_t home_full = 0, home_party = 0;  // among staff and leader
  RegClass reg = RegClass::district;
  OrgKind kind = OrgKind::social_group;
  AreaLevel level = AreaLevel::district;
  OrgStatus status = OrgStatus::active;
  std::uint8_t industry = 0;
  std::uint8_t rating = 0;
  std::uint8_t anchor_quota = 0;  // first full members that always relate to the branch
  std::uint8_t affinity = 0;      // party affinity class: 0 low, 1 average, 2 high
};

enum class Basis : std::uint8_t {
  own,
  joint_district,
  joint_city,
  joint_group,
  joint_industry,
  temporary
};

struct BranchRec {
  std::uint32_t cov_begin = 0;
  std::uint32_t cov_count = 0;
  std::uint32_t street = 0;
  std::uint32_t sup[2] = {kNil, kNil};
  std::uint16_t ordinal = 0;  // n-th joint branch of its street/industry
  BranchForm form = BranchForm::branch;
  Basis basis = Basis::own;
  std::uint8_t industry = 0;
};

enum Planted : std::size_t {
  p_orphan,
  p_multiple,
  p_cycle,
  p_broken,
  p_level,
  p_jurisdiction,
  p_undersized,
  p_oversized,
  p_too_wide,
  p_inactive,
  p_duplicate,
  p_count
};
constexpr std::array<std::string_view, p_count> kPlantedNames{
    "orphan_branch",  "multiple_superiors", "supervision_cycle", "broken_chain",
    "level_mismatch", "jurisdiction_mismatch", "undersized_branch", "oversized_branch",
    "joint_branch_too_wide", "inactive_coverage", "duplicate_relation"};

struct DistrictOut {
  std::vector<BranchRec> branches;
  std::vector<std::uint32_t> cov;  // covered org indices, branch by branch
  std::uint32_t magnet = kNil;     // local branch index
  std::array<std::uint64_t, p_count> planted{};
};

// ---- CSV buffers ----------------------------------------------------------------------------

class Buf {
 public:
  void clear() { s_.clear(); }
  void put(std::string_view v) { s_.append(v); }
  void ch(char c) { s_.push_back(c); }
  void num(std::uint64_t v) {
    char t[24];
    const auto r = std::to_chars(t, t + sizeof t, v);
    s_.append(t, r.ptr);
  }
  void fixed(double v, int precision) {
    char t[48];
    const auto r = std::to_chars(t, t + sizeof t, v, std::chars_format::fixed, precision);
    s_.append(t, r.ptr);
  }
  // A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
  void field(std::string_view v) {
    if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
      s_.append(v);
      return;
    }
    s_.push_back('"');
    for (char c : v) {
      if (c == '"') s_.push_back('"');
      s_.push_back(c);
    }
    s_.push_back('"');
  }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

// Writes one CSV file: a header, then segments of fixed blocks filled in parallel, a window of
// blocks at a time, each into its own reused buffer, and written in block order. Two sets of
// buffers alternate: while one window is being filled, one task of the same parallel loop writes
// the previous window, so the (serial) write overlaps generation. The bytes do not depend on the
// window size or the thread count.
class BlockFile {
 public:
  BlockFile(const fs::path& path, std::string_view header, std::vector<Buf>& buffers)
      : path_(path), buffers_(buffers), rows_of_(buffers.size(), 0) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      throw IoError(path.string() + ": cannot write: " + std::strerror(errno));
    }
    write(header);
  }
  ~BlockFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  BlockFile(const BlockFile&) = delete;
  BlockFile& operator=(const BlockFile&) = delete;

  // fill(lo, hi, Buf&) -> rows written, for items [lo, hi).
  template <class Fill>
  void add(std::size_t n, std::size_t block, Fill&& fill) {
    const std::size_t blocks = par::block_count(n, block);
    const std::size_t window = buffers_.size() / 2;
    std::size_t pending = 0, pending_set = 0;  // buffers of the previous window not yet written
    std::size_t set = 0;
    for (std::size_t base = 0; base < blocks; base += window, set ^= 1) {
      const std::size_t count = std::min(window, blocks - base);
      const std::size_t first = set * window;
      par::for_each_index(0, count + 1, 1, [&](std::size_t k) {
        if (k == count) {
          flush(pending_set * window, pending);
          return;
        }
        Buf& b = buffers_[first + k];
        b.clear();
        const std::size_t lo = (base + k) * block;
        rows_of_[first + k] = fill(lo, std::min(n, lo + block), b);
      });
      pending = count;
      pending_set = set;
    }
    flush(pending_set * window, pending);
  }

  GeneratedTable close() {
    const bool ok = std::fflush(file_) == 0;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!ok || !closed) throw IoError(path_.string() + ": write failed: " + std::strerror(errno));
    return {path_.filename().string(), rows_, bytes_};
  }

 private:
  void flush(std::size_t first, std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
      write(buffers_[first + k].str());
      rows_ += rows_of_[first + k];
    }
  }
  void write(std::string_view text) {
    if (!text.empty() && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
      throw IoError(path_.string() + ": write failed: " + std::strerror(errno));
    }
    bytes_ += text.size();
  }

  fs::path path_;
  std::vector<Buf>& buffers_;
  std::vector<std::uint64_t> rows_of_;
  std::FILE* file_ = nullptr;
  std::uint64_t rows_ = 0, bytes_ = 0;
};

// ---- The generator --------------------------------------------------------------------------

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::string_view kUsccSecondLetters = "JKLNPQRTUWXY";

class Generator {
 public:
  Generator(const GeneratorOptions& o, std::uint64_t orgs) : seed_(o.seed), preset_(o.preset) {
    build_geography(orgs);
    build_units();
    build_orgs();
    build_branches();
  }

  void write(const fs::path& dir, GeneratorReport& report,
             const std::function<void(const std::string&)>& on_phase);
  void fill_report(GeneratorReport& r) const {
    r.cities = geo_.cities.size();
    r.districts = geo_.districts.size();
    r.streets = geo_.streets.size();
    r.communities = geo_.communities.size();
    r.units = units_.size();
    r.orgs = orgs_.size();
    r.people = people_;
    r.branches = branch_district_.size();
  }
  std::array<std::uint64_t, p_count> planted() const {
    auto p = planted_;
    p[p_duplicate] += duplicates_.load();
    return p;
  }

 private:
  // Geography and the organizations each street holds.
  void build_geography(std::uint64_t orgs);
  void build_units();
  void build_orgs();
  void build_branches();
  void plan_district(std::uint32_t d, DistrictOut& out);
  void group_pool(std::uint32_t d, const std::vector<std::uint32_t>& pool, Basis basis,
                  std::uint32_t street, std::uint8_t industry, bool designated,
                  std::array<bool, p_count>& done, DistrictOut& out);
  void finish_branch(std::uint32_t d, BranchRec& b, bool designated,
                     std::array<bool, p_count>& done, DistrictOut& out);
  PartyStatus person_status(std::uint32_t org, std::uint32_t k) const;

  // Writers of one item.
  void put_org_id(Buf& b, std::uint32_t o) const;
  void put_org_name(Buf& b, std::uint32_t o) const;
  void put_unit_id(Buf& b, std::uint32_t u) const;
  void put_unit_name(Buf& b, std::uint32_t u) const;
  void put_area_id_of_org(Buf& b, const OrgRec& r) const;
  void put_community_name(Buf& b, std::uint32_t c) const;
  void put_person_name(Buf& b, std::uint64_t p) const;
  void put_branch_id(Buf& b, std::uint32_t branch) const;
  void put_branch_name(Buf& b, std::uint32_t d, const BranchRec& br) const;
  void put_person_id(Buf& b, std::uint64_t p) const {
    b.ch('P');
    b.num(p + 1);
  }
  struct Borrow {
    std::uint32_t org;
    std::uint32_t k;
    Role role;
  };
  // People of other orgs of the same street also affiliated here. With out == nullptr only counts
  // the staff/leader ones (usable before the other orgs are built).
  int borrowed(std::uint32_t o, Borrow* out) const;
  int borrowed_staff(std::uint32_t o) const;
  std::uint32_t floating_target(std::uint64_t p, const OrgRec& r, Draw& d) const;
  std::uint32_t other_branch(std::uint32_t city, std::uint32_t avoid, Draw& d) const;

  std::uint64_t seed_;
  std::string preset_;
  Geo geo_;
  std::vector<UnitRec> units_;
  // Unit index lookups.
  std::vector<std::uint32_t> unit_org_city_, unit_ca_city_, unit_ind_city_;  // ind: city*13+k
  std::vector<std::uint32_t> unit_org_district_, unit_ca_district_, unit_ind_district_;
  std::vector<std::uint32_t> unit_street_, unit_community_;
  std::vector<OrgRec> orgs_;
  std::uint64_t people_ = 0;          // org people + instructor people
  std::uint64_t org_people_ = 0;      // people homed in an org
  std::vector<DistrictOut> district_out_;
  std::vector<std::uint32_t> district_branch_begin_;  // global index of a district's first branch
  std::vector<std::uint32_t> city_branch_begin_, city_branch_end_;
  std::vector<std::uint32_t> district_magnet_;  // global branch index or kNil
  std::vector<std::uint32_t> branch_district_;
  std::array<std::uint64_t, p_count> planted_{};
  mutable std::atomic<std::uint64_t> duplicates_{0};
};

void Generator::build_geography(std::uint64_t orgs) {
  std::vector<CitySpec> cities = preset_city_list(preset_, seed_);
  const std::uint64_t preset_total = preset_orgs(preset_);
  if (orgs < preset_total && cities.size() > 1) {
    const double f = static_cast<double>(orgs) / static_cast<double>(preset_total);
    const auto keep = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::llround(f * static_cast<double>(cities.size()))));
    cities.resize(std::min(keep, cities.size()));
  }
  for (const auto& c : cities) add_city(geo_, seed_, c);

  const std::uint64_t n_city = std::llround(static_cast<double>(orgs) * kShareCity);
  const std::uint64_t n_district = std::llround(static_cast<double>(orgs) * kShareDistrict);
  const std::uint64_t n_group = orgs - n_city - n_district;
  const std::size_t ns = geo_.streets.size();
  std::vector<double> w_city(ns), w_district(ns), w_group(ns);
  for (std::size_t s = 0; s < ns; ++s) {
    const StreetGeo& st = geo_.streets[s];
    Draw d(seed_, Stream::street, st.code ^ 0x5151ULL);
    const double size = 1.0 + (st.c_end - st.c_begin);
    w_city[s] = size * (st.town ? 0.3 : 1.5) * d.between(0.6, 1.4);
    w_district[s] = size * (st.town ? 0.8 : 1.5) * d.between(0.7, 1.3);
    w_group[s] = size * (st.town ? 1.0 : 1.2) * d.between(0.7, 1.3);
  }
  const auto a_city = apportion(n_city, w_city);
  const auto a_district = apportion(n_district, w_district);
  const auto a_group = apportion(n_group, w_group);
  std::uint32_t next = 0;
  for (std::size_t s = 0; s < ns; ++s) {
    StreetGeo& st = geo_.streets[s];
    st.o_begin = next;
    st.n_city = a_city[s];
    st.n_district = a_district[s];
    st.n_group = a_group[s];
    next = st.o_end();
  }
}

void Generator::build_units() {
  const std::size_t nc = geo_.cities.size(), nd = geo_.districts.size();
  unit_org_city_.assign(nc, kNil);
  unit_ca_city_.assign(nc, kNil);
  unit_ind_city_.assign(nc * kIndustries, kNil);
  unit_org_district_.assign(nd, kNil);
  unit_ca_district_.assign(nd, kNil);
  unit_ind_district_.assign(nd * kIndustries, kNil);
  unit_street_.assign(geo_.streets.size(), kNil);
  unit_community_.assign(geo_.communities.size(), kNil);
  auto add = [&](UnitType t, std::uint32_t place, std::uint8_t industry, std::uint32_t sup) {
    UnitRec u;
    u.type = t;
    u.place = place;
    u.industry = industry;
    u.sup[0] = sup;
    units_.push_back(u);
    return static_cast<std::uint32_t>(units_.size() - 1);
  };
  for (std::uint32_t c = 0; c < nc; ++c) {
    const CityGeo& city = geo_.cities[c];
    const std::uint32_t org = add(UnitType::org_city, c, 0, kNil);
    unit_org_city_[c] = org;
    unit_ca_city_[c] = add(UnitType::ca_city, c, 0, org);
    for (std::uint8_t k = 0; k < kIndustries; ++k) {
      if (kCityLine[k]) unit_ind_city_[c * kIndustries + k] = add(UnitType::ind_city, c, k, org);
    }
    for (std::uint32_t d = city.d_begin; d < city.d_end; ++d) {
      unit_org_district_[d] = add(UnitType::org_district, d, 0, org);
      unit_ca_district_[d] = add(UnitType::ca_district, d, 0, unit_ca_city_[c]);
      for (std::uint8_t k = 0; k < kIndustries; ++k) {
        if (kDistrictLine[k]) {
          unit_ind_district_[d * kIndustries + k] =
              add(UnitType::ind_district, d, k, unit_ind_city_[c * kIndustries + k]);
        }
      }
    }
    for (std::uint32_t d = city.d_begin; d < city.d_end; ++d) {
      const DistrictGeo& dg = geo_.districts[d];
      for (std::uint32_t s = dg.s_begin; s < dg.s_end; ++s) {
        const std::uint32_t su = add(UnitType::street, s, 0, unit_org_district_[d]);
        unit_street_[s] = su;
        if (Draw(seed_, Stream::unit_defect, geo_.streets[s].code).chance(kStreetUnitBroken)) {
          units_[su].sup[0] = kNil;
          ++planted_[p_broken];
        }
        for (std::uint32_t k = geo_.streets[s].c_begin; k < geo_.streets[s].c_end; ++k) {
          unit_community_[k] = add(UnitType::community, k, 0, su);
        }
      }
    }

    // Designated unit defects of this city.
    const DistrictGeo& first = geo_.districts[city.d_begin];
    const DistrictGeo& last = geo_.districts[city.d_end - 1];
    const std::uint32_t d0 = city.d_begin;
    std::uint32_t ind_seen = 0;
    for (std::uint8_t k = 0; k < kIndustries && ind_seen < 2; ++k) {
      const std::uint32_t u = unit_ind_district_[d0 * kIndustries + k];
      if (u == kNil) continue;
      if (ind_seen++ == 0) {
        units_[u].sup[1] = unit_org_district_[d0];  // two superiors
        ++planted_[p_multiple];
      } else {
        units_[u].sup[0] = kNil;  // broken chain
        ++planted_[p_broken];
      }
    }
    if (city.d_end - city.d_begin >= 2) {
      units_[unit_ca_district_[city.d_end - 1]].sup[0] = unit_street_[last.s_begin];
      ++planted_[p_level];
    }
    (void)first;
    const StreetGeo& last_street = geo_.streets[last.s_end - 1];
    if (last_street.c_end > last_street.c_begin) {  // self-loop
      const std::uint32_t u = unit_community_[last_street.c_end - 1];
      units_[u].sup[0] = u;
      ++planted_[p_cycle];
    }
    if (last_street.c_end - last_street.c_begin >= 3) {  // 2-cycle
      const std::uint32_t a = unit_community_[last_street.c_begin];
      const std::uint32_t b = unit_community_[last_street.c_begin + 1];
      units_[a].sup[0] = b;
      units_[b].sup[0] = a;
      ++planted_[p_cycle];
    }
    if (last.s_end - last.s_begin >= 2) {  // 3-cycle
      const StreetGeo& s = geo_.streets[last.s_end - 2];
      if (s.c_end - s.c_begin >= 3) {
        const std::uint32_t a = unit_community_[s.c_begin];
        const std::uint32_t b = unit_community_[s.c_begin + 1];
        const std::uint32_t e = unit_community_[s.c_begin + 2];
        units_[a].sup[0] = b;
        units_[b].sup[0] = e;
        units_[e].sup[0] = a;
        ++planted_[p_cycle];
      }
    }
  }
}

PartyStatus Generator::person_status(std::uint32_t org, std::uint32_t k) const {
  const OrgRec& r = orgs_[org];
  Draw d(seed_, Stream::person, (static_cast<std::uint64_t>(org) << 20) | k);
  // Party members cluster: a few orgs (founded by retired cadres, big schools and hospitals)
  // hold many, most hold few.
  static constexpr std::array<double, 3> kAffinity{0.35, 1.0, 4.0};
  const double a = kAffinity[r.affinity];
  double full = 0, probationary = 0.008;
  if (k >= r.staff) {
    full = 0.06 * a;  // members of associations: often retired cadres
    probationary = 0.004;
  } else if (k == 0) {
    full = std::min(0.7, 0.18 * a);
    probationary = 0.01;
  } else {
    full = std::min(0.5, (r.staff >= 100 ? 0.04 : 0.05) * a);
  }
  const double u = d.uniform();
  if (u < full) return PartyStatus::full;
  if (u < full + probationary) return PartyStatus::probationary;
  return PartyStatus::none;
}

void Generator::build_orgs() {
  const std::size_t n = geo_.streets.empty() ? 0 : geo_.streets.back().o_end();
  orgs_.assign(n, OrgRec{});
  par::for_range(0, n, 2048, [&](std::size_t lo, std::size_t hi) {
    // The street of `lo`, then walk forward.
    std::size_t s = static_cast<std::size_t>(
        std::upper_bound(geo_.streets.begin(), geo_.streets.end(), lo,
                         [](std::size_t v, const StreetGeo& st) { return v < st.o_begin; }) -
        geo_.streets.begin() - 1);
    for (std::size_t i = lo; i < hi; ++i) {
      while (i >= geo_.streets[s].o_end()) ++s;
      const StreetGeo& st = geo_.streets[s];
      const std::uint32_t q = static_cast<std::uint32_t>(i - st.o_begin);
      const std::uint32_t n_comm = st.c_end - st.c_begin;
      const std::uint32_t district = st.district;
      const std::uint32_t city = geo_.districts[district].city;
      OrgRec& r = orgs_[i];
      Draw d(seed_, Stream::org, i);
      r.street = static_cast<std::uint32_t>(s);
      r.reg = q < st.n_city ? RegClass::city
              : q < st.n_city + st.n_district ? RegClass::district
                                              : RegClass::group;
      const double u = d.uniform();
      switch (r.reg) {
        case RegClass::city:
          r.kind = u < 0.50 ? OrgKind::social_service
                   : u < 0.93 ? OrgKind::social_group
                              : OrgKind::foundation;
          r.level = AreaLevel::city;
          break;
        case RegClass::district:
          r.kind = u < 0.58 ? OrgKind::social_service : OrgKind::social_group;
          r.level = AreaLevel::district;
          break;
        case RegClass::group:
          r.kind = OrgKind::community_group;
          r.level = d.chance(0.7) ? AreaLevel::community : AreaLevel::street;
          break;
      }
      r.industry = static_cast<std::uint8_t>(d.weighted(kIndustryMix[static_cast<int>(r.kind)]));
      const bool at_community =
          n_comm > 0 && (r.level == AreaLevel::community || d.chance(r.reg == RegClass::group ? 0.6
                                                                                              : 0.9));
      if (at_community) r.community = st.c_begin + d.below(n_comm);
      if (r.level == AreaLevel::community && r.community == kNil) r.level = AreaLevel::street;
      const double us = d.uniform();
      const bool group = r.reg == RegClass::group;
      r.status = us < (group ? 0.02 : 0.03)   ? OrgStatus::deregistered
                 : us < (group ? 0.03 : 0.05) ? OrgStatus::suspended
                                              : OrgStatus::active;
      if (!group && d.chance(0.25)) {
        static constexpr std::array<double, 5> kRatings{0.10, 0.25, 0.35, 0.20, 0.10};
        r.rating = static_cast<std::uint8_t>(1 + d.weighted(kRatings));
      }
      switch (r.kind) {
        case OrgKind::social_service:
          r.staff = static_cast<std::uint16_t>(d.pareto(2.5, 1.3, 3000));
          r.members = static_cast<std::uint16_t>(d.chance(0.3) ? d.pareto(1.0, 2.0, 20) : 0);
          break;
        case OrgKind::social_group:
          r.staff = static_cast<std::uint16_t>(d.pareto(2.0, 1.6, 300));
          r.members = static_cast<std::uint16_t>(d.pareto(2.5, 1.6, 300));
          break;
        case OrgKind::foundation:
          r.staff = static_cast<std::uint16_t>(d.pareto(2.0, 2.0, 60));
          r.members = static_cast<std::uint16_t>(d.pareto(3.0, 2.0, 30));
          break;
        case OrgKind::community_group:
          r.staff = static_cast<std::uint16_t>(d.pareto(1.5, 2.0, 40));
          r.members = static_cast<std::uint16_t>(d.pareto(3.0, 1.8, 100));
          break;
      }
      const double ua = d.uniform();
      r.affinity = ua < 0.6 ? 0 : ua < 0.9 ? 1 : 2;
      if (!group) {
        const double p = r.kind == OrgKind::social_group ? 0.45
                         : r.kind == OrgKind::foundation ? 0.5
                                                         : 0.3;
        std::uint32_t unit = kNil;
        if (r.reg == RegClass::district) {
          unit = unit_ind_district_[district * kIndustries + r.industry];
        }
        if (unit == kNil) unit = unit_ind_city_[city * kIndustries + r.industry];
        if (unit != kNil && d.chance(p)) r.competent = unit;
      }
      std::uint16_t full = 0, party = 0;
      for (std::uint32_t k = 0; k < r.staff; ++k) {
        const PartyStatus ps = person_status(static_cast<std::uint32_t>(i), k);
        full += ps == PartyStatus::full ? 1 : 0;
        party += ps != PartyStatus::none ? 1 : 0;
      }
      r.home_full = full;
      r.home_party = party;
      r.borrowed_staff = static_cast<std::uint8_t>(borrowed_staff(static_cast<std::uint32_t>(i)));
    }
  });
  std::uint64_t next = 0;
  for (auto& r : orgs_) {
    r.person_begin = static_cast<std::uint32_t>(next);
    next += r.staff + r.members;
  }
  if (next >= 0xF0000000ULL) {
    throw std::invalid_argument("--orgs is too large: the city would hold more than 4 billion "
                                "people; use fewer organizations");
  }
  org_people_ = next;
}

void Generator::finish_branch(std::uint32_t d, BranchRec& b, bool designated,
                              std::array<bool, p_count>& done, DistrictOut& out) {
  const std::uint32_t first = out.cov[b.cov_begin];
  const OrgRec& r0 = orgs_[first];
  const std::uint32_t city = geo_.districts[d].city;
  b.street = r0.street;
  // The normal superior.
  switch (b.basis) {
    case Basis::own:
      if (r0.reg == RegClass::group) {
        b.sup[0] = r0.level == AreaLevel::community && r0.community != kNil
                       ? unit_community_[r0.community]
                       : unit_street_[r0.street];
      } else if (r0.competent != kNil && Draw(seed_, Stream::own_branch, first ^ 0x77ULL).chance(0.8)) {
        b.sup[0] = r0.competent;
      } else {
        b.sup[0] = r0.reg == RegClass::city ? unit_ca_city_[city] : unit_ca_district_[d];
      }
      break;
    case Basis::joint_district:
    case Basis::temporary:
      b.sup[0] = unit_ca_district_[d];
      break;
    case Basis::joint_city:
      b.sup[0] = unit_ca_city_[city];
      break;
    case Basis::joint_industry:
      b.sup[0] = unit_ind_district_[d * kIndustries + b.industry];
      break;
    case Basis::joint_group: {
      bool one_community = r0.community != kNil;
      for (std::uint32_t k = 0; k < b.cov_count && one_community; ++k) {
        const OrgRec& r = orgs_[out.cov[b.cov_begin + k]];
        one_community = r.community == r0.community && r.level == AreaLevel::community;
      }
      b.sup[0] = one_community ? unit_community_[r0.community] : unit_street_[r0.street];
      break;
    }
  }
  bool registered = false;
  for (std::uint32_t k = 0; k < b.cov_count; ++k) {
    registered = registered || orgs_[out.cov[b.cov_begin + k]].reg != RegClass::group;
  }
  const UnitType st = units_[b.sup[0]].type;
  const bool community_line = st == UnitType::street || st == UnitType::community;
  const DistrictGeo& dg = geo_.districts[d];
  const bool has_neighbour = dg.s_end - dg.s_begin >= 2;

  // Planted supervision defects: designated ones first (city's first district), then rates.
  Draw dd(seed_, Stream::branch_defect, first);
  const double u = dd.uniform();
  int defect = -1;  // 0 orphan, 1 double, 2 level, 3 territory
  if (designated && !done[p_orphan]) {
    defect = 0;
  } else if (designated && !done[p_multiple]) {
    defect = 1;
  } else if (designated && !done[p_level] && registered) {
    defect = 2;
  } else if (designated && !done[p_jurisdiction] && community_line && has_neighbour) {
    defect = 3;
  } else if (u < kOrphanRate) {
    defect = 0;
  } else if (u < kOrphanRate + kDoubleRate) {
    defect = 1;
  } else if (u < kOrphanRate + kDoubleRate + kLevelRate) {
    defect = registered ? 2 : -1;
  } else if (community_line && has_neighbour &&
             u < kOrphanRate + kDoubleRate + kLevelRate + kTerritoryRate) {
    defect = 3;
  }
  switch (defect) {
    case 0:
      b.sup[0] = kNil;
      done[p_orphan] = true;
      ++out.planted[p_orphan];
      break;
    case 1:
      // A second superior that is not itself a level or territory defect: the organization
      // department at the normal superior's level, or the district civil-affairs committee.
      switch (level_name(units_[b.sup[0]].type)[0]) {
        case 'c':
          b.sup[1] = unit_org_city_[city];
          break;
        case 'd':
          b.sup[1] = unit_org_district_[d];
          break;
        default:
          b.sup[1] = unit_ca_district_[d];
          break;
      }
      if (b.sup[1] == b.sup[0]) b.sup[1] = unit_ca_district_[d];
      done[p_multiple] = true;
      ++out.planted[p_multiple];
      break;
    case 2:
      b.sup[0] = unit_street_[b.street];
      done[p_level] = true;
      ++out.planted[p_level];
      break;
    case 3: {
      const std::uint32_t other = b.street + 1 < dg.s_end ? b.street + 1 : b.street - 1;
      b.sup[0] = unit_street_[other];
      done[p_jurisdiction] = true;
      ++out.planted[p_jurisdiction];
      break;
    }
    default:
      break;
  }
  // Anchors: the first full members, up to 3, always keep their relation in the branch.
  std::uint32_t anchored = 0;
  bool inactive = false;
  for (std::uint32_t k = 0; k < b.cov_count; ++k) {
    OrgRec& r = orgs_[out.cov[b.cov_begin + k]];
    const std::uint32_t q = std::min<std::uint32_t>(r.home_full, 3 - std::min(3u, anchored));
    r.anchor_quota = static_cast<std::uint8_t>(q);
    anchored += q;
    r.branch = static_cast<std::uint32_t>(out.branches.size());
    inactive = inactive || r.status == OrgStatus::deregistered;
  }
  if (inactive) ++out.planted[p_inactive];
  if (b.form != BranchForm::temporary_branch && anchored < 3) ++out.planted[p_undersized];
  if (b.form == BranchForm::joint_branch && b.cov_count > 5) ++out.planted[p_too_wide];
  out.branches.push_back(b);
}

void Generator::group_pool(std::uint32_t d, const std::vector<std::uint32_t>& pool, Basis basis,
                           std::uint32_t street, std::uint8_t industry, bool designated,
                           std::array<bool, p_count>& done, DistrictOut& out) {
  (void)street;
  std::vector<std::uint32_t> havers, fillers;
  for (std::uint32_t o : pool) (orgs_[o].home_full > 0 ? havers : fillers).push_back(o);
  std::size_t hi = 0, fi = 0;
  std::uint16_t ordinal = 0;
  while (hi < havers.size()) {
    const auto start = static_cast<std::uint32_t>(out.cov.size());
    std::uint32_t full = 0;
    while (hi < havers.size() && full < 3) {
      out.cov.push_back(havers[hi]);
      full += orgs_[havers[hi]].home_full;
      ++hi;
    }
    Draw dg(seed_, Stream::group, out.cov[start]);
    if (full < 3) {  // the pool's leftover: usually dissolved, sometimes kept (undersized)
      const bool keep = (designated && !done[p_undersized]) || dg.chance(kKeepLeftover);
      if (!keep) {
        out.cov.resize(start);
        break;
      }
      done[p_undersized] = true;
    }
    std::uint32_t target = 3 + dg.below(3);
    const bool wide = (designated && !done[p_too_wide]) || dg.chance(kWideGroup);
    if (wide) target = 6 + dg.below(3);
    while (out.cov.size() - start < target && fi < fillers.size()) out.cov.push_back(fillers[fi++]);
    if (out.cov.size() - start < 2) {
      out.cov.resize(start);
      break;
    }
    BranchRec b;
    b.basis = basis;
    b.form = BranchForm::joint_branch;
    b.cov_begin = start;
    b.cov_count = static_cast<std::uint32_t>(out.cov.size() - start);
    b.industry = industry;
    b.ordinal = ++ordinal;
    if (b.cov_count > 5) done[p_too_wide] = true;
    finish_branch(d, b, designated, done, out);
  }
}

void Generator::plan_district(std::uint32_t d, DistrictOut& out) {
  const DistrictGeo& dg = geo_.districts[d];
  const CityGeo& city = geo_.cities[dg.city];
  const bool designated = d == city.d_begin;
  std::array<bool, p_count> done{};
  if (dg.s_end == dg.s_begin) return;
  const std::uint32_t ob = geo_.streets[dg.s_begin].o_begin;
  const std::uint32_t oe = geo_.streets[dg.s_end - 1].o_end();

  // Own branches of orgs with 3+ full members (and, planted, a few with 2).
  for (std::uint32_t o = ob; o < oe; ++o) {
    OrgRec& r = orgs_[o];
    if (r.status == OrgStatus::suspended) continue;
    Draw dr(seed_, Stream::own_branch, o);
    bool eligible = r.home_full >= 3;
    if (!eligible && r.home_full == 2) eligible = dr.chance(kOwnBranchWithTwo);
    if (!eligible) continue;
    if (r.status == OrgStatus::deregistered && !dr.chance(kKeepDeregisteredBranch)) continue;
    if (!dr.chance(r.reg == RegClass::group ? kOwnBranchGroup : kOwnBranchRegistered)) continue;
    BranchRec b;
    b.basis = Basis::own;
    b.cov_begin = static_cast<std::uint32_t>(out.cov.size());
    b.cov_count = 1;
    out.cov.push_back(o);
    b.form = r.home_party >= 100  ? BranchForm::committee
             : r.home_party > 50 ? BranchForm::general_branch
                                 : BranchForm::branch;
    b.industry = r.industry;
    finish_branch(d, b, designated, done, out);
  }

  // Joint branches: per street and registration class, and per industry in the district.
  std::vector<std::uint32_t> pool_district, pool_city, pool_group;
  std::array<std::vector<std::uint32_t>, kIndustries> pool_industry;
  for (std::uint32_t s = dg.s_begin; s < dg.s_end; ++s) {
    pool_district.clear();
    pool_city.clear();
    pool_group.clear();
    const StreetGeo& st = geo_.streets[s];
    for (std::uint32_t o = st.o_begin; o < st.o_end(); ++o) {
      const OrgRec& r = orgs_[o];
      if (r.branch != kNil || r.status == OrgStatus::suspended || r.home_full >= 3) continue;
      Draw dp(seed_, Stream::pool, o);
      if (r.status == OrgStatus::deregistered && !dp.chance(kDeregisteredInPool)) continue;
      const bool group = r.reg == RegClass::group;
      if (!dp.chance((group ? kPoolGroup : kPoolRegistered)[r.home_full])) continue;
      if (r.reg == RegClass::district &&
          unit_ind_district_[d * kIndustries + r.industry] != kNil && dp.chance(kIndustryPool)) {
        pool_industry[r.industry].push_back(o);
      } else {
        (r.reg == RegClass::district ? pool_district
         : r.reg == RegClass::city   ? pool_city
                                     : pool_group)
            .push_back(o);
      }
    }
    group_pool(d, pool_district, Basis::joint_district, s, 0, designated, done, out);
    group_pool(d, pool_city, Basis::joint_city, s, 0, designated, done, out);
    group_pool(d, pool_group, Basis::joint_group, s, 0, designated, done, out);
  }
  for (std::uint8_t k = 0; k < kIndustries; ++k) {
    group_pool(d, pool_industry[k], Basis::joint_industry, kNil, k, designated, done, out);
  }

  // A temporary branch now and then (for a project team of a district-registered org).
  Draw dt(seed_, Stream::district_plan, dg.code);
  if (designated || dt.chance(kTemporaryPerDistrict)) {
    const std::uint32_t n = oe - ob;
    const std::uint32_t start = dt.below(n);
    for (std::uint32_t t = 0; t < std::min<std::uint32_t>(n, 512); ++t) {
      const std::uint32_t o = ob + (start + t) % n;
      const OrgRec& r = orgs_[o];
      if (r.branch != kNil || r.status != OrgStatus::active || r.reg != RegClass::district) {
        continue;
      }
      BranchRec b;
      b.basis = Basis::temporary;
      b.form = BranchForm::temporary_branch;
      b.cov_begin = static_cast<std::uint32_t>(out.cov.size());
      b.cov_count = 1;
      b.industry = r.industry;
      out.cov.push_back(o);
      finish_branch(d, b, designated, done, out);
      break;
    }
  }
  // The magnet: a branch holding many floating members' relations (planted oversized).
  if (designated || dt.chance(kMagnetDistrict)) {
    for (std::size_t b = 0; b < out.branches.size(); ++b) {
      const BranchForm f = out.branches[b].form;
      if (f == BranchForm::branch || f == BranchForm::joint_branch) {
        out.magnet = static_cast<std::uint32_t>(b);
        ++out.planted[p_oversized];
        break;
      }
    }
  }

  // Instructors (work coverage) from a responsible unit.
  for (std::uint32_t o = ob; o < oe; ++o) {
    OrgRec& r = orgs_[o];
    if (r.status != OrgStatus::active) continue;
    Draw di(seed_, Stream::instructor, o);
    const bool group = r.reg == RegClass::group;
    const double p = r.branch != kNil ? 0.08 : group ? 0.6 : 0.7;
    if (!di.chance(p)) continue;
    if (group) {
      r.instructor_unit = r.level == AreaLevel::community && r.community != kNil
                              ? unit_community_[r.community]
                              : unit_street_[r.street];
    } else if (r.competent != kNil && di.chance(0.4)) {
      r.instructor_unit = r.competent;
    } else {
      r.instructor_unit = r.reg == RegClass::city ? unit_ca_city_[dg.city] : unit_ca_district_[d];
    }
    if (di.chance(0.7)) r.instructor_person = kNil - 1;  // a named person, numbered later
  }
}

void Generator::build_branches() {
  const std::size_t nd = geo_.districts.size();
  district_out_.assign(nd, DistrictOut{});
  par::for_each_index(0, nd, 1,
                      [&](std::size_t d) { plan_district(static_cast<std::uint32_t>(d), district_out_[d]); });
  district_branch_begin_.assign(nd + 1, 0);
  for (std::size_t d = 0; d < nd; ++d) {
    district_branch_begin_[d + 1] =
        district_branch_begin_[d] + static_cast<std::uint32_t>(district_out_[d].branches.size());
    for (std::size_t k = 0; k < p_count; ++k) planted_[k] += district_out_[d].planted[k];
  }
  branch_district_.resize(district_branch_begin_[nd]);
  district_magnet_.assign(nd, kNil);
  for (std::size_t d = 0; d < nd; ++d) {
    std::fill(branch_district_.begin() + district_branch_begin_[d],
              branch_district_.begin() + district_branch_begin_[d + 1],
              static_cast<std::uint32_t>(d));
    if (district_out_[d].magnet != kNil) {
      district_magnet_[d] = district_branch_begin_[d] + district_out_[d].magnet;
    }
  }
  city_branch_begin_.assign(geo_.cities.size(), 0);
  city_branch_end_.assign(geo_.cities.size(), 0);
  for (std::size_t c = 0; c < geo_.cities.size(); ++c) {
    city_branch_begin_[c] = district_branch_begin_[geo_.cities[c].d_begin];
    city_branch_end_[c] = district_branch_begin_[geo_.cities[c].d_end];
  }
  par::for_each_index(0, nd, 1, [&](std::size_t d) {
    const DistrictGeo& dg = geo_.districts[d];
    if (dg.s_begin == dg.s_end) return;
    for (std::uint32_t o = geo_.streets[dg.s_begin].o_begin; o < geo_.streets[dg.s_end - 1].o_end();
         ++o) {
      if (orgs_[o].branch != kNil) orgs_[o].branch += district_branch_begin_[d];
    }
  });
  std::uint64_t next = org_people_;
  for (auto& r : orgs_) {
    if (r.instructor_person == kNil - 1) r.instructor_person = static_cast<std::uint32_t>(next++);
  }
  people_ = next;
}

// ---- Writers of one item --------------------------------------------------------------------

void put_digits(char* out, std::uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

void Generator::put_org_id(Buf& b, std::uint32_t o) const {
  const OrgRec& r = orgs_[o];
  const StreetGeo& st = geo_.streets[r.street];
  if (r.reg == RegClass::group) {
    b.ch('G');
    b.num(st.code);
    b.ch('-');
    b.num(o - (st.o_begin + st.n_city + st.n_district) + 1);
    return;
  }
  const DistrictGeo& dg = geo_.districts[st.district];
  char id[18];
  id[0] = '5';
  id[1] = r.kind == OrgKind::social_group ? '1' : r.kind == OrgKind::social_service ? '2' : '3';
  put_digits(id + 2, r.reg == RegClass::city ? geo_.cities[dg.city].code : dg.code, 6);
  constexpr std::uint64_t kMod = 10'000'000;
  const std::uint64_t offset = mix64(seed_ ^ 0x5C5C5C5CULL) % kMod;
  const std::uint64_t low = (o % kMod * 7'654'321ULL + offset) % kMod;  // a bijection mod 10^7
  id[8] = 'M';
  id[9] = kUsccSecondLetters[(o / kMod) % kUsccSecondLetters.size()];
  put_digits(id + 10, low, 7);
  id[17] = uscc_check_char(std::string_view(id, 17));
  b.put(std::string_view(id, 18));
}

void Generator::put_community_name(Buf& b, std::uint32_t c) const {
  const CommunityGeo& k = geo_.communities[c];
  b.put(kPlaceChars[k.name_a]);
  b.put(kPlaceChars[k.name_b]);
  b.put(k.village ? "村" : "社区");
}

void Generator::put_org_name(Buf& b, std::uint32_t o) const {
  const OrgRec& r = orgs_[o];
  const StreetGeo& st = geo_.streets[r.street];
  const DistrictGeo& dg = geo_.districts[st.district];
  Draw d(seed_, Stream::org_name, o);
  switch (r.reg) {
    case RegClass::city:
      b.put(geo_.cities[dg.city].name);
      break;
    case RegClass::district:
      b.put(dg.prefix);
      break;
    case RegClass::group:
      if (r.community != kNil) {
        put_community_name(b, r.community);
      } else {
        b.put(st.name);
      }
      break;
  }
  if (r.kind == OrgKind::foundation || (r.kind == OrgKind::social_service && d.chance(0.6))) {
    b.put(kBrands[d.below(kBrands.size())]);
  }
  b.put(kTopics[r.industry][d.below(6)]);
  b.put(kSuffixes[static_cast<int>(r.kind)][d.below(6)]);
}

void Generator::put_area_id_of_org(Buf& b, const OrgRec& r) const {
  b.num(r.community != kNil ? geo_.communities[r.community].code : geo_.streets[r.street].code);
}

void Generator::put_unit_id(Buf& b, std::uint32_t u) const {
  const UnitRec& x = units_[u];
  switch (x.type) {
    case UnitType::org_city:
      b.put("ORG-");
      b.num(geo_.cities[x.place].code);
      break;
    case UnitType::ca_city:
      b.put("CA-");
      b.num(geo_.cities[x.place].code);
      break;
    case UnitType::ind_city:
      b.put("IND-");
      b.num(geo_.cities[x.place].code);
      b.ch('-');
      b.put(kIndustryNames[x.industry]);
      break;
    case UnitType::org_district:
      b.put("ORG-");
      b.num(geo_.districts[x.place].code);
      break;
    case UnitType::ca_district:
      b.put("CA-");
      b.num(geo_.districts[x.place].code);
      break;
    case UnitType::ind_district:
      b.put("IND-");
      b.num(geo_.districts[x.place].code);
      b.ch('-');
      b.put(kIndustryNames[x.industry]);
      break;
    case UnitType::street:
      b.put("ST-");
      b.num(geo_.streets[x.place].code);
      break;
    case UnitType::community:
      b.put("CM-");
      b.num(geo_.communities[x.place].code);
      break;
  }
}

void Generator::put_unit_name(Buf& b, std::uint32_t u) const {
  const UnitRec& x = units_[u];
  b.put("中共");
  switch (x.type) {
    case UnitType::org_city:
      b.put(geo_.cities[x.place].name);
      b.put("委组织部");
      break;
    case UnitType::ca_city:
      b.put(geo_.cities[x.place].name);
      b.put("社会组织综合委员会");
      break;
    case UnitType::ind_city:
      b.put(geo_.cities[x.place].name);
      b.put(kIndustryLabels[x.industry]);
      b.put("行业委员会");
      break;
    case UnitType::org_district:
      b.put(geo_.districts[x.place].prefix);
      b.put("委组织部");
      break;
    case UnitType::ca_district:
      b.put(geo_.districts[x.place].prefix);
      b.put("民政局社会组织委员会");
      break;
    case UnitType::ind_district:
      b.put(geo_.districts[x.place].prefix);
      b.put(kIndustryLabels[x.industry]);
      b.put("行业委员会");
      break;
    case UnitType::street:
      b.put(geo_.streets[x.place].name);
      b.put(geo_.streets[x.place].town ? "委员会" : "工作委员会");
      break;
    case UnitType::community:
      put_community_name(b, x.place);
      b.put("委员会");
      break;
  }
}

void Generator::put_person_name(Buf& b, std::uint64_t p) const {
  Draw d(seed_, Stream::person_name, p);
  const double u = d.uniform();
  char name[96];
  std::size_t n = 0;
  auto add = [&](std::string_view s) {
    std::memcpy(name + n, s.data(), s.size());
    n += s.size();
  };
  if (u < 0.01) {  // romanized, "Surname, Given": exercises CSV quoting
    add(kPinyinSurnames[d.below(kPinyinSurnames.size())]);
    add(", ");
    add(kPinyinGiven[d.below(kPinyinGiven.size())]);
  } else {
    add(kSurnames[d.below(kSurnames.size())]);
    add(kGiven[d.below(kGiven.size())]);
    if (d.chance(0.6)) add(kGiven[d.below(kGiven.size())]);
    if (u < 0.015) {  // a nickname in quotes
      add(" \"");
      add(kNicknames[d.below(kNicknames.size())]);
      add("\"");
    }
  }
  b.field(std::string_view(name, n));
}

void Generator::put_branch_id(Buf& b, std::uint32_t branch) const {
  const std::uint32_t d = branch_district_[branch];
  b.ch('B');
  b.num(geo_.districts[d].code);
  b.ch('-');
  b.num(branch - district_branch_begin_[d] + 1);
}

void Generator::put_branch_name(Buf& b, std::uint32_t d, const BranchRec& br) const {
  const std::vector<std::uint32_t>& cov = district_out_[d].cov;
  b.put("中共");
  switch (br.basis) {
    case Basis::own:
      put_org_name(b, cov[br.cov_begin]);
      b.put(br.form == BranchForm::committee        ? "委员会"
            : br.form == BranchForm::general_branch ? "总支部委员会"
                                                    : "支部委员会");
      return;
    case Basis::temporary:
      put_org_name(b, cov[br.cov_begin]);
      b.put("临时支部委员会");
      return;
    case Basis::joint_district:
    case Basis::joint_city:
      if (br.basis == Basis::joint_city) b.put(geo_.cities[geo_.districts[d].city].name);
      b.put(geo_.streets[br.street].name);
      b.put("社会组织第");
      break;
    case Basis::joint_group:
      b.put(geo_.streets[br.street].name);
      b.put("社区社会组织第");
      break;
    case Basis::joint_industry:
      b.put(geo_.districts[d].prefix);
      b.put(kIndustryLabels[br.industry]);
      b.put("行业第");
      break;
  }
  b.num(br.ordinal);
  b.put("联合支部委员会");
}

int Generator::borrowed(std::uint32_t o, Borrow* out) const {
  const OrgRec& r = orgs_[o];
  const StreetGeo& st = geo_.streets[r.street];
  const std::uint32_t n = st.o_end() - st.o_begin;
  if (n < 2) return 0;
  Draw d(seed_, Stream::borrow, o);
  const double u = d.uniform();
  const bool group = r.reg == RegClass::group;
  const int slots = u < (group ? 0.60 : 0.70) ? 0 : u < (group ? 0.85 : 0.88) ? 1
                    : u < (group ? 0.95 : 0.96)                              ? 2
                                                                             : 3;
  int count = 0, out_staff = 0;
  std::uint32_t seen[3];
  for (int t = 0; t < slots; ++t) {
    std::uint32_t j = st.o_begin + d.below(n);
    if (j == o) j = st.o_begin + (j - st.o_begin + 1) % n;
    bool repeat = false;
    for (int k = 0; k < count; ++k) repeat = repeat || seen[k] == j;
    const double ur = d.uniform();
    const std::uint64_t uk = d.next();
    if (repeat) continue;
    const Role role = ur < 0.6 ? Role::member : ur < 0.9 ? Role::staff : Role::leader;
    if (out == nullptr) {
      out_staff += role != Role::member ? 1 : 0;
      seen[count++] = j;
      continue;
    }
    const std::uint32_t people = orgs_[j].staff + orgs_[j].members;
    const auto k = static_cast<std::uint32_t>(((uk >> 32) * people) >> 32);
    seen[count] = j;
    out[count++] = {j, k, role};
  }
  return out == nullptr ? out_staff : count;
}

int Generator::borrowed_staff(std::uint32_t o) const { return borrowed(o, nullptr); }

std::uint32_t Generator::other_branch(std::uint32_t city, std::uint32_t avoid, Draw& d) const {
  const std::uint32_t lo = city_branch_begin_[city], n = city_branch_end_[city] - lo;
  if (n == 0) return kNil;
  std::uint32_t t = lo + d.below(n);
  if (t == avoid) {
    if (n == 1) return kNil;
    t = lo + (t - lo + 1) % n;
  }
  return t;
}

std::uint32_t Generator::floating_target(std::uint64_t p, const OrgRec& r, Draw& d) const {
  (void)p;
  const std::uint32_t district = geo_.streets[r.street].district;
  const std::uint32_t city = geo_.districts[district].city;
  const std::uint32_t city_magnet = district_magnet_[geo_.cities[city].d_begin];
  const std::uint32_t magnet = district_magnet_[district];
  const double u = d.uniform();
  if (city_magnet != kNil && city_magnet != r.branch && u < kCityMagnet) return city_magnet;
  if (magnet != kNil && magnet != r.branch && u >= 1.0 - kDistrictMagnet) return magnet;
  return other_branch(city, r.branch, d);
}

std::string_view level_name(UnitType t) {
  switch (t) {
    case UnitType::org_city:
    case UnitType::ca_city:
    case UnitType::ind_city:
      return "city";
    case UnitType::org_district:
    case UnitType::ca_district:
    case UnitType::ind_district:
      return "district";
    case UnitType::street:
      return "street";
    case UnitType::community:
      return "community";
  }
  return "city";
}

std::string_view line_name(UnitType t) {
  switch (t) {
    case UnitType::org_city:
    case UnitType::org_district:
      return "organization";
    case UnitType::ca_city:
    case UnitType::ca_district:
      return "civil_affairs";
    case UnitType::ind_city:
    case UnitType::ind_district:
      return "industry";
    case UnitType::street:
    case UnitType::community:
      return "community";
  }
  return "organization";
}

// ---- The files ------------------------------------------------------------------------------

void Generator::write(const fs::path& dir, GeneratorReport& report,
                      const std::function<void(const std::string&)>& on_phase) {
  auto phase = [&](const char* file) {
    if (on_phase) on_phase(file);
  };
  // Two alternating windows of 2 x threads + 2 block buffers each.
  std::vector<Buf> buffers(static_cast<std::size_t>(2 * (2 * std::max(1, par::threads()) + 2)));
  constexpr std::size_t kOrgBlock = 4096;
  constexpr std::size_t kAreaBlock = 8192;
  constexpr std::size_t kDistrictBlock = 4;
  const std::size_t n_orgs = orgs_.size();
  const std::size_t n_districts = geo_.districts.size();
  auto coord = [](Buf& b, double lat, double lon) {
    b.fixed(lat, 5);
    b.ch(',');
    b.fixed(lon, 5);
  };

  {  // areas.csv
    phase("areas.csv");
    BlockFile f(dir / "areas.csv", "id,name,level,parent_id,lat,lon\n", buffers);
    f.add(geo_.cities.size(), kAreaBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      for (std::size_t i = lo; i < hi; ++i) {
        const CityGeo& c = geo_.cities[i];
        b.num(c.code);
        b.ch(',');
        b.field(c.name);
        b.put(",city,,");
        coord(b, c.lat, c.lon);
        b.ch('\n');
      }
      return hi - lo;
    });
    f.add(n_districts, kAreaBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      for (std::size_t i = lo; i < hi; ++i) {
        const DistrictGeo& d = geo_.districts[i];
        b.num(d.code);
        b.ch(',');
        b.field(d.name);
        b.put(",district,");
        b.num(geo_.cities[d.city].code);
        b.ch(',');
        coord(b, d.lat, d.lon);
        b.ch('\n');
      }
      return hi - lo;
    });
    f.add(geo_.streets.size(), kAreaBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      for (std::size_t i = lo; i < hi; ++i) {
        const StreetGeo& s = geo_.streets[i];
        b.num(s.code);
        b.ch(',');
        b.field(s.name);
        b.put(",street,");
        b.num(geo_.districts[s.district].code);
        b.ch(',');
        coord(b, s.lat, s.lon);
        b.ch('\n');
      }
      return hi - lo;
    });
    f.add(geo_.communities.size(), kAreaBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      for (std::size_t i = lo; i < hi; ++i) {
        const CommunityGeo& c = geo_.communities[i];
        b.num(c.code);
        b.ch(',');
        put_community_name(b, static_cast<std::uint32_t>(i));
        b.put(",community,");
        b.num(geo_.streets[c.street].code);
        b.ch(',');
        coord(b, c.lat, c.lon);
        b.ch('\n');
      }
      return hi - lo;
    });
    report.tables.push_back(f.close());
  }
  {  // units.csv
    phase("units.csv");
    BlockFile f(dir / "units.csv", "id,name,line,level,area_id,industry\n", buffers);
    f.add(units_.size(), kAreaBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      for (std::size_t i = lo; i < hi; ++i) {
        const UnitRec& u = units_[i];
        put_unit_id(b, static_cast<std::uint32_t>(i));
        b.ch(',');
        put_unit_name(b, static_cast<std::uint32_t>(i));
        b.ch(',');
        b.put(line_name(u.type));
        b.ch(',');
        b.put(level_name(u.type));
        b.ch(',');
        switch (u.type) {
          case UnitType::org_city:
          case UnitType::ca_city:
          case UnitType::ind_city:
            b.num(geo_.cities[u.place].code);
            break;
          case UnitType::org_district:
          case UnitType::ca_district:
          case UnitType::ind_district:
            b.num(geo_.districts[u.place].code);
            break;
          case UnitType::street:
            b.num(geo_.streets[u.place].code);
            break;
          case UnitType::community:
            b.num(geo_.communities[u.place].code);
            break;
        }
        b.ch(',');
        if (u.type == UnitType::ind_city || u.type == UnitType::ind_district) {
          b.put(kIndustryNames[u.industry]);
        }
        b.ch('\n');
      }
      return hi - lo;
    });
    report.tables.push_back(f.close());
  }
  {  // organizations.csv
    phase("organizations.csv");
    BlockFile f(dir / "organizations.csv",
                "id,name,kind,industry,registration_level,area_id,competent_unit_id,rating,"
                "status,staff_count,lat,lon\n",
                buffers);
    f.add(n_orgs, kOrgBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      for (std::size_t i = lo; i < hi; ++i) {
        const auto o = static_cast<std::uint32_t>(i);
        const OrgRec& r = orgs_[i];
        put_org_id(b, o);
        b.ch(',');
        put_org_name(b, o);
        b.ch(',');
        b.put(to_string(r.kind));
        b.ch(',');
        b.put(kIndustryNames[r.industry]);
        b.ch(',');
        b.put(to_string(r.level));
        b.ch(',');
        put_area_id_of_org(b, r);
        b.ch(',');
        if (r.competent != kNil) put_unit_id(b, r.competent);
        b.ch(',');
        if (r.rating > 0) {
          b.ch(static_cast<char>('0' + r.rating));
          b.ch('A');
        }
        b.ch(',');
        b.put(to_string(r.status));
        b.ch(',');
        b.num(r.staff + r.borrowed_staff);
        b.ch(',');
        Draw d(seed_, Stream::org_place, i);
        double lat = 0, lon = 0;
        if (r.community != kNil) {
          lat = geo_.communities[r.community].lat;
          lon = geo_.communities[r.community].lon;
        } else {
          lat = geo_.streets[r.street].lat;
          lon = geo_.streets[r.street].lon;
        }
        coord(b, lat + d.between(-0.004, 0.004), lon + d.between(-0.004, 0.004));
        b.ch('\n');
      }
      return hi - lo;
    });
    report.tables.push_back(f.close());
  }
  {  // people.csv: people of each org, then the named instructors
    phase("people.csv");
    BlockFile f(dir / "people.csv", "id,name,party_status\n", buffers);
    f.add(n_orgs, kOrgBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const OrgRec& r = orgs_[i];
        const std::uint32_t n = r.staff + r.members;
        for (std::uint32_t k = 0; k < n; ++k) {
          const std::uint64_t p = r.person_begin + k;
          put_person_id(b, p);
          b.ch(',');
          put_person_name(b, p);
          b.ch(',');
          b.put(to_string(person_status(static_cast<std::uint32_t>(i), k)));
          b.ch('\n');
        }
        rows += n;
      }
      return rows;
    });
    f.add(n_orgs, kOrgBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const std::uint32_t p = orgs_[i].instructor_person;
        if (p == kNil) continue;
        put_person_id(b, p);
        b.ch(',');
        put_person_name(b, p);
        b.put(",full\n");
        ++rows;
      }
      return rows;
    });
    report.tables.push_back(f.close());
  }
  {  // affiliations.csv
    phase("affiliations.csv");
    BlockFile f(dir / "affiliations.csv", "person_id,org_id,role\n", buffers);
    f.add(n_orgs, kOrgBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      Buf id;
      for (std::size_t i = lo; i < hi; ++i) {
        const auto o = static_cast<std::uint32_t>(i);
        const OrgRec& r = orgs_[i];
        id.clear();
        put_org_id(id, o);
        const std::uint32_t n = r.staff + r.members;
        for (std::uint32_t k = 0; k < n; ++k) {
          put_person_id(b, r.person_begin + k);
          b.ch(',');
          b.put(id.str());
          b.put(k == 0 ? ",leader\n" : k < r.staff ? ",staff\n" : ",member\n");
        }
        Borrow slots[3];
        const int m = borrowed(o, slots);
        for (int t = 0; t < m; ++t) {
          put_person_id(b, orgs_[slots[t].org].person_begin + slots[t].k);
          b.ch(',');
          b.put(id.str());
          b.ch(',');
          b.put(to_string(slots[t].role));
          b.ch('\n');
        }
        rows += n + static_cast<std::size_t>(m);
      }
      return rows;
    });
    report.tables.push_back(f.close());
  }
  {  // branches.csv
    phase("branches.csv");
    BlockFile f(dir / "branches.csv", "id,name,form\n", buffers);
    f.add(n_districts, kDistrictBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      for (std::size_t d = lo; d < hi; ++d) {
        const auto& branches = district_out_[d].branches;
        for (std::size_t k = 0; k < branches.size(); ++k) {
          put_branch_id(b, district_branch_begin_[d] + static_cast<std::uint32_t>(k));
          b.ch(',');
          put_branch_name(b, static_cast<std::uint32_t>(d), branches[k]);
          b.ch(',');
          b.put(to_string(branches[k].form));
          b.ch('\n');
        }
        rows += branches.size();
      }
      return rows;
    });
    report.tables.push_back(f.close());
  }
  {  // branch_coverage.csv
    phase("branch_coverage.csv");
    BlockFile f(dir / "branch_coverage.csv", "branch_id,org_id\n", buffers);
    f.add(n_districts, kDistrictBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      for (std::size_t d = lo; d < hi; ++d) {
        const DistrictOut& out = district_out_[d];
        for (std::size_t k = 0; k < out.branches.size(); ++k) {
          const BranchRec& br = out.branches[k];
          for (std::uint32_t c = 0; c < br.cov_count; ++c) {
            put_branch_id(b, district_branch_begin_[d] + static_cast<std::uint32_t>(k));
            b.ch(',');
            put_org_id(b, out.cov[br.cov_begin + c]);
            b.ch('\n');
          }
          rows += br.cov_count;
        }
      }
      return rows;
    });
    report.tables.push_back(f.close());
  }
  {  // party_relations.csv
    phase("party_relations.csv");
    BlockFile f(dir / "party_relations.csv", "person_id,branch_id\n", buffers);
    f.add(n_orgs, kOrgBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      std::uint64_t duplicates = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const OrgRec& r = orgs_[i];
        const std::uint32_t city = geo_.districts[geo_.streets[r.street].district].city;
        std::uint32_t full_rank = 0;
        for (std::uint32_t k = 0; k < r.staff; ++k) {
          const PartyStatus ps = person_status(static_cast<std::uint32_t>(i), k);
          if (ps == PartyStatus::none) continue;
          const std::uint64_t p = r.person_begin + k;
          Draw dr(seed_, Stream::relation, p);
          const bool anchor = ps == PartyStatus::full && full_rank < r.anchor_quota;
          if (ps == PartyStatus::full) ++full_rank;
          std::uint32_t rel = kNil;
          if (r.branch != kNil) {
            const double u = dr.uniform();
            if (anchor || u >= kPocketCovered + kFloatingCovered) {
              rel = r.branch;
            } else if (u >= kPocketCovered) {
              rel = floating_target(p, r, dr);
            }
          } else if (!dr.chance(kPocketUncovered)) {
            rel = floating_target(p, r, dr);
          }
          if (rel == kNil) continue;
          put_person_id(b, p);
          b.ch(',');
          put_branch_id(b, rel);
          b.ch('\n');
          ++rows;
          if (dr.chance(kDuplicateRelation)) {
            const std::uint32_t second = other_branch(city, rel, dr);
            if (second != kNil) {
              put_person_id(b, p);
              b.ch(',');
              put_branch_id(b, second);
              b.ch('\n');
              ++rows;
              ++duplicates;
            }
          }
        }
      }
      duplicates_ += duplicates;
      return rows;
    });
    report.tables.push_back(f.close());
  }
  {  // supervision.csv: units, then branches
    phase("supervision.csv");
    BlockFile f(dir / "supervision.csv", "superior_unit_id,subordinate_kind,subordinate_id\n",
                buffers);
    f.add(units_.size(), kAreaBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        for (std::uint32_t s : units_[i].sup) {
          if (s == kNil) continue;
          put_unit_id(b, s);
          b.put(",unit,");
          put_unit_id(b, static_cast<std::uint32_t>(i));
          b.ch('\n');
          ++rows;
        }
      }
      return rows;
    });
    f.add(n_districts, kDistrictBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      for (std::size_t d = lo; d < hi; ++d) {
        const auto& branches = district_out_[d].branches;
        for (std::size_t k = 0; k < branches.size(); ++k) {
          for (std::uint32_t s : branches[k].sup) {
            if (s == kNil) continue;
            put_unit_id(b, s);
            b.put(",branch,");
            put_branch_id(b, district_branch_begin_[d] + static_cast<std::uint32_t>(k));
            b.ch('\n');
            ++rows;
          }
        }
      }
      return rows;
    });
    report.tables.push_back(f.close());
  }
  {  // instructors.csv
    phase("instructors.csv");
    BlockFile f(dir / "instructors.csv", "unit_id,org_id,person_id\n", buffers);
    f.add(n_orgs, kOrgBlock, [&](std::size_t lo, std::size_t hi, Buf& b) {
      std::size_t rows = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const OrgRec& r = orgs_[i];
        if (r.instructor_unit == kNil) continue;
        put_unit_id(b, r.instructor_unit);
        b.ch(',');
        put_org_id(b, static_cast<std::uint32_t>(i));
        b.ch(',');
        if (r.instructor_person != kNil) put_person_id(b, r.instructor_person);
        b.ch('\n');
        ++rows;
      }
      return rows;
    });
    report.tables.push_back(f.close());
  }
}

[[noreturn]] void io_failure(const std::string& what, const std::error_code& ec) {
  throw IoError(what + ": " + ec.message());
}

}  // namespace

const std::vector<std::string>& generator_presets() {
  static const std::vector<std::string> presets{"changzhou", "province", "nation"};
  return presets;
}

const std::vector<std::string>& generator_phases() {
  static const std::vector<std::string> phases{
      "plan",         "areas.csv",           "units.csv",           "organizations.csv",
      "people.csv",   "affiliations.csv",    "branches.csv",        "branch_coverage.csv",
      "party_relations.csv", "supervision.csv", "instructors.csv"};
  return phases;
}

std::uint64_t preset_orgs(const std::string& preset) {
  if (preset == "changzhou") return kChangzhouOrgs;
  if (preset == "province") return 300'000;
  if (preset == "nation") return 3'000'000;
  throw std::invalid_argument("--preset must be changzhou, province or nation (found '" + preset +
                              "')");
}

char uscc_check_char(std::string_view first17) {
  if (first17.size() != 17) return '\0';
  std::uint32_t sum = 0, weight = 1;
  for (char c : first17) {
    const auto v = kUsccAlphabet.find(c);
    if (v == std::string_view::npos) return '\0';
    sum += static_cast<std::uint32_t>(v) * weight;
    weight = weight * 3 % 31;
  }
  const std::uint32_t check = 31 - sum % 31;
  return kUsccAlphabet[check == 31 ? 0 : check];
}

GeneratorReport generate_city(const GeneratorOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t orgs = options.orgs == 0 ? preset_orgs(options.preset) : options.orgs;
  (void)preset_orgs(options.preset);
  if (orgs > kMaxGeneratedOrgs) {
    throw std::invalid_argument("--orgs must be at most " + std::to_string(kMaxGeneratedOrgs) +
                                " (found " + std::to_string(orgs) + ")");
  }
  if (options.out.empty()) {
    throw std::invalid_argument("--out DIR is required: the folder to write the city into");
  }
  fs::path out(options.out);
  if (!out.has_filename()) out = out.parent_path();
  std::error_code ec;
  const auto status = fs::status(out, ec);
  const bool exists = fs::exists(status);
  if (exists) {
    if (!fs::is_directory(status)) {
      throw std::invalid_argument(out.string() + " exists and is not a folder; choose another --out");
    }
    if (!fs::is_empty(out, ec) && !options.force) {
      throw std::invalid_argument(out.string() +
                                  " already exists and is not empty; choose a new folder or pass "
                                  "--force to replace it");
    }
  }
  fs::path parent = out.parent_path();
  if (parent.empty()) parent = ".";
  fs::create_directories(parent, ec);
  if (ec) io_failure("cannot create " + parent.string(), ec);
  const std::string pid = std::to_string(::getpid());
  const fs::path temp = parent / ("." + out.filename().string() + ".tmp-" + pid);
  fs::remove_all(temp, ec);
  fs::create_directory(temp, ec);
  if (ec) io_failure("cannot create " + temp.string(), ec);

  GeneratorReport report;
  report.preset = options.preset;
  report.seed = options.seed;
  report.out = out.string();
  try {
    if (options.on_phase) options.on_phase("plan");
    Generator gen(options, orgs);
    gen.write(temp, report, options.on_phase);
    gen.fill_report(report);
    const auto planted = gen.planted();
    for (std::size_t k = 0; k < p_count; ++k) {
      report.planted.emplace_back(std::string(kPlantedNames[k]), planted[k]);
    }
    if (exists) {
      const fs::path old = parent / ("." + out.filename().string() + ".old-" + pid);
      fs::rename(out, old, ec);
      if (ec) io_failure("cannot replace " + out.string(), ec);
      fs::rename(temp, out, ec);
      if (ec) {
        std::error_code ignored;
        fs::rename(old, out, ignored);
        io_failure("cannot rename " + temp.string() + " to " + out.string(), ec);
      }
      fs::remove_all(old, ec);
    } else {
      fs::rename(temp, out, ec);
      if (ec) io_failure("cannot rename " + temp.string() + " to " + out.string(), ec);
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    throw;
  }
  for (const auto& t : report.tables) report.bytes += t.bytes;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace orgraph
